import path from "node:path";
import { fileURLToPath } from "node:url";
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

/** Imports point down only: pages → features → store, realtime, api, components/ui → lib, types. */
const layer = (files, forbidden, why) => ({
  files,
  rules: {
    "no-restricted-imports": [
      "error",
      { patterns: forbidden.map((regex) => ({ regex, message: why })) },
    ],
  },
});

const ROOT = path.dirname(fileURLToPath(import.meta.url));
const FEATURE_DIR = /^src\/features\/([^/]+)\//;
/** `features/<name>` named by an alias or a root-absolute path (`@/features/x`, `/src/features/x`). */
const NAMED_FEATURE = /(?:^|[/@~#])features\/([^/]+)/;

function specifier(node) {
  if (!node) return null;
  if (node.type === "Literal" && typeof node.value === "string") return node.value;
  if (node.type === "TemplateLiteral" && node.expressions.length === 0) return node.quasis[0].value.cooked;
  if (node.type === "TSLiteralType") return specifier(node.literal);
  if (node.type === "TSExternalModuleReference") return specifier(node.expression);
  return null;
}

/**
 * A feature never imports another feature, however the path is spelled: a relative path is
 * resolved against the importing file (`../b`, `./../b`, `../../features/b`, `./sub/../../b`),
 * and any other specifier naming a `features/<name>` folder is read as that feature. Pure string
 * work, no file system: it also catches a path that does not resolve, or an alias no resolver
 * knows — which is where eslint-plugin-boundaries (tried: 32 packages) lets an import through.
 * src/layers.test.ts holds it to this.
 */
const noOtherFeature = {
  meta: {
    type: "problem",
    schema: [],
    messages: {
      otherFeature:
        "features/{{from}} imports features/{{to}}: a feature never imports another feature; share through the store or let the page wire them.",
    },
  },
  create(context) {
    const fromRoot = (file) => `${path.relative(ROOT, file).split(path.sep).join("/")}/`;
    const from = FEATURE_DIR.exec(fromRoot(context.filename))?.[1];
    if (!from) return {};
    const check = (source) => {
      const spec = specifier(source);
      if (spec === null) return;
      const to = spec.startsWith(".")
        ? FEATURE_DIR.exec(fromRoot(path.resolve(path.dirname(context.filename), spec)))?.[1]
        : NAMED_FEATURE.exec(spec)?.[1];
      if (to !== undefined && to !== from) context.report({ node: source, messageId: "otherFeature", data: { from, to } });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      TSImportType: (node) => check(node.source),
      TSImportEqualsDeclaration: (node) => check(node.moduleReference),
    };
  },
};

const UP_TO_PAGES = "(^|/)pages/";
const UP_TO_FEATURES = "(^|/)features/";
const UP_TO_SERVICES = "(^|/)(store|api|realtime)(/|$)";
const UP_TO_UI = "(^|/)components/";

export default tseslint.config(
  { ignores: ["dist", "node_modules"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["vite.config.ts", "eslint.config.js"],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ["src/features/**"],
    plugins: { layers: { rules: { "no-other-feature": noOtherFeature } } },
    rules: { "layers/no-other-feature": "error" },
  },
  layer(["src/features/**"], [UP_TO_PAGES], "A feature never imports a page: let the page wire it."),
  layer(
    ["src/store/**"],
    [UP_TO_PAGES, UP_TO_FEATURES, "(^|/)(api|realtime)(/|$)", UP_TO_UI, "socket\\.io-client"],
    "Stores do no I/O and know nothing above them.",
  ),
  layer(
    ["src/api/**", "src/realtime/**"],
    [UP_TO_PAGES, UP_TO_FEATURES, UP_TO_UI],
    "api/ and realtime/ sit below the features and the UI.",
  ),
  layer(
    ["src/components/**"],
    [UP_TO_PAGES, UP_TO_FEATURES, UP_TO_SERVICES],
    "UI components take props; they read no store and call no server.",
  ),
  layer(
    ["src/lib/**", "src/types/**"],
    [UP_TO_PAGES, UP_TO_FEATURES, UP_TO_SERVICES, UP_TO_UI],
    "lib/ and types/ are leaves.",
  ),
);
