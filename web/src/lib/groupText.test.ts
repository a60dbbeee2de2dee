import { describe, expect, it } from "vitest";
import type { SystemEvent } from "../types";
import { firstName, systemText, typingSentence } from "./groupText";

const NAMES: Record<string, string> = { ada: "Ada Lovelace", bo: "Bo Diddley", cy: "Cy Twombly", me: "Alice" };
const nameOf = (id: string) => NAMES[id] ?? "Someone";
const text = (event: SystemEvent, meId = "me") => systemText(event, nameOf, meId);

describe("system messages", () => {
  it("say who did what to whom", () => {
    expect(text({ action: "created", actorId: "ada", name: "Hikers" })).toBe("Ada Lovelace created the group “Hikers”");
    expect(text({ action: "added", actorId: "ada", userIds: ["bo"] })).toBe("Ada Lovelace added Bo Diddley");
    expect(text({ action: "added", actorId: "ada", userIds: ["bo", "cy"] })).toBe("Ada Lovelace added Bo Diddley and Cy Twombly");
    expect(text({ action: "removed", actorId: "ada", userIds: ["bo"] })).toBe("Ada Lovelace removed Bo Diddley");
    expect(text({ action: "left", actorId: "bo" })).toBe("Bo Diddley left");
    expect(text({ action: "renamed", actorId: "ada", name: "Hill walkers" })).toBe("Ada Lovelace renamed the group to “Hill walkers”");
    expect(text({ action: "avatar", actorId: "ada" })).toBe("Ada Lovelace changed the group picture");
    expect(text({ action: "role", actorId: "ada", userIds: ["bo"], role: "admin" })).toBe("Ada Lovelace made Bo Diddley an admin");
  });

  it("call me You, wherever I stand in the sentence", () => {
    expect(text({ action: "added", actorId: "me", userIds: ["bo"] })).toBe("You added Bo Diddley");
    expect(text({ action: "added", actorId: "ada", userIds: ["me", "bo"] })).toBe("Ada Lovelace added you and Bo Diddley");
    expect(text({ action: "left", actorId: "me" })).toBe("You left");
  });

  it("still say something for a role change without its role, or an action this client does not know", () => {
    expect(text({ action: "role", actorId: "ada", userIds: ["bo"] })).toBe("Ada Lovelace changed the role of Bo Diddley");
    expect(text({ action: "archived" as SystemEvent["action"], actorId: "ada" })).toBe("Ada Lovelace changed the group");
  });
});

describe("who is typing", () => {
  it("names one, two or three people by first name, and counts the rest", () => {
    expect(typingSentence([])).toBe("");
    expect(typingSentence(["Ada Lovelace"])).toBe("Ada is typing…");
    expect(typingSentence(["Ada Lovelace", "Bo Diddley"])).toBe("Ada and Bo are typing…");
    expect(typingSentence(["Ada Lovelace", "Bo Diddley", "Cy Twombly"])).toBe("Ada, Bo and Cy are typing…");
    expect(typingSentence(["Ada", "Bo", "Cy", "Di", "Ed"])).toBe("Ada, Bo and 3 others are typing…");
  });

  it("take the first word of a name, or the whole when there is only one", () => {
    expect(firstName("  Ada   Lovelace ")).toBe("Ada");
    expect(firstName("Plato")).toBe("Plato");
  });
});
