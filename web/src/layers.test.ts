/**
 * The import rules of eslint.config.js, run on snippets through ESLint's Node API: a feature that
 * imports another feature fails lint however the path is written, so the rule cannot quietly
 * stop working. No file is read or written; the snippets name paths that need not exist.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const eslint = new ESLint({ cwd: WEB });
const IN_CHATS = "src/features/chats/x.ts";

async function crossings(code: string, filePath = IN_CHATS): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === "layers/no-other-feature").map((m) => m.message);
}

// Loading the config (typescript-eslint and all) is the slow part: once, before the timed tests.
beforeAll(() => eslint.calculateConfigForFile(IN_CHATS), 60_000);

describe("a feature importing another feature fails lint", () => {
  it.each([
    'import { a } from "../messages/history";',
    'import { a } from "../../features/messages/history";',
    'import { a } from "../../features/messages";',
    'import { a } from "./../messages/history";',
    'import { a } from "./sub/../../messages/history";',
    'import { a } from "../../lib/../features/messages/history";',
    'import { a } from "@/features/messages/history";',
    'import { a } from "/src/features/messages/history";',
    'import { a } from "src/features/messages/history";',
    'import type { A } from "../messages/history";',
    'export { a } from "../messages/history";',
    'export * from "../messages/history";',
    'void import("../messages/history");',
    "void import(`../messages/history`);",
    'type A = typeof import("../messages/history");',
  ])("%s", async (code) => {
    expect(await crossings(code)).toEqual([
      "features/chats imports features/messages: a feature never imports another feature; share through the store or let the page wire them.",
    ]);
  });

  it("from a folder nested inside the feature too", async () => {
    expect(await crossings('import { a } from "../../messages/history";', "src/features/chats/sub/x.ts")).toHaveLength(1);
  });
});

describe("imports within the feature, or down the layers, pass", () => {
  it.each([
    'import { a } from "./lists";',
    'import { a } from "./sub/lists";',
    'import { a } from "../chats/lists";',
    'import { a } from "../../features/chats/lists";',
    'import { a } from "../../store/chat";',
    'import { a } from "../../lib/ids";',
    'import { a } from "react";',
  ])("%s", async (code) => {
    expect(await crossings(code)).toEqual([]);
  });

  it("from a folder nested inside the feature, up to its own top", async () => {
    expect(await crossings('import { a } from "../lists";', "src/features/chats/sub/x.ts")).toEqual([]);
  });

  it("and a page may import any feature", async () => {
    expect(await crossings('import { a } from "../features/messages/history";', "src/pages/ChatPage.tsx")).toEqual([]);
  });
});
