import { beforeEach, describe, expect, it } from "vitest";
import { BOB, CAROL, aliceSignedIn, store } from "./testing";

beforeEach(aliceSignedIn);

describe("drafts", () => {
  it("keeps what is typed per conversation, and forgets it once cleared", () => {
    store().draftEdited(BOB, "see you at");
    store().draftEdited(CAROL, "thanks!");
    store().draftEdited(CAROL, "");

    expect(store().drafts).toEqual({ [BOB]: "see you at" });
  });

  it("restores remembered drafts without undoing what was typed since", () => {
    store().draftEdited(BOB, "typed just now");

    store().draftsRestored({ [BOB]: "from yesterday", [CAROL]: "half a thought" });

    expect(store().drafts).toEqual({ [BOB]: "typed just now", [CAROL]: "half a thought" });
  });

  it("keeps a draft's picks with it, restored with it, and forgets them once it is cleared", () => {
    const bob = { _id: BOB, fullName: "Bob Builder" };
    store().draftsRestored({ [CAROL]: "@Bob Builder yes" }, { [CAROL]: [bob] });
    expect(store().draftPicks).toEqual({ [CAROL]: [bob] });

    store().draftEdited(CAROL, "");
    expect(store().draftPicks).toEqual({});
  });

  it("starts empty for a new session", () => {
    store().draftEdited(BOB, "secret");
    aliceSignedIn();
    expect(store().drafts).toEqual({});
  });
});
