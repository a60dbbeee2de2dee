import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ClientEvent, ServerEvent } from "./events";

const PYTHON_TABLE = fileURLToPath(new URL("../../../src/socketspace/realtime/events.py", import.meta.url));

/** NAME: Final = "value" lines of the server's event table (rooms excluded). */
function serverNames(): Record<string, string> {
  const names: Record<string, string> = {};
  for (const match of readFileSync(PYTHON_TABLE, "utf8").matchAll(/^([A-Z_]+): Final = "([^"]+)"$/gm)) {
    const [, name, value] = match;
    if (name && value && !name.endsWith("_ROOM")) names[name] = value;
  }
  return names;
}

describe("the event table", () => {
  it("mirrors src/socketspace/realtime/events.py name for name", () => {
    const mirrored: Record<string, string> = { ...ServerEvent, ...ClientEvent };
    expect(mirrored).toEqual(serverNames());
  });
});
