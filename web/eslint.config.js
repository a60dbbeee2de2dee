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
  layer(
    ["src/features/**"],
    ["^\\.\\./(?!\\.)", UP_TO_PAGES],
    "A feature never imports another feature or a page: share through the store or let the page wire them.",
  ),
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
