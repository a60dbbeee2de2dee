import { beforeEach, describe, expect, it } from "vitest";
import { BOB, CAROL, DAN, aliceSignedIn, person, store } from "./testing";

beforeEach(aliceSignedIn);

const ids = () => store().contactIds;
const found = () => store().found;

describe("the contacts list: everyone, page by page", () => {
  it("adds the next page at the end, once, and only while the list still ends where it was asked", () => {
    store().contactsRequested();
    store().contactsLoaded([person(BOB, "Bob")], { query: "", next: "after-bob" });
    store().moreContactsRequested();
    store().moreContactsLoaded("after-bob", [person(CAROL, "Carol")], { query: "", next: "after-carol" });
    // The same page again (a second scroll), and a page of an older list: both ignored.
    store().moreContactsLoaded("after-bob", [person(CAROL, "Carol")], { query: "", next: "after-carol" });
    store().moreContactsLoaded("elsewhere", [person(DAN, "Dan")], { query: "", next: null });

    expect(ids()).toEqual([BOB, CAROL]);
    expect(store().contactsNext).toBe("after-carol");
    expect(store().people[CAROL]?.fullName).toBe("Carol");
  });
});

describe("the people search: the server's answer, kept apart from everyone", () => {
  it("shows the people shown so far while a search is asked, then its answer and where its next page begins", () => {
    store().contactsRequested("car");
    expect(found()?.ids).toEqual([BOB, CAROL]); // narrowed by the sidebar meanwhile

    store().contactsLoaded([person(CAROL, "Carol")], { query: "car", next: "after-carol" });

    expect(found()).toMatchObject({ query: "car", ids: [CAROL], status: "ready", next: "after-carol" });
    expect(ids()).toEqual([BOB, CAROL]); // everyone is untouched (the group picker lists them)
  });

  it("drops the answer to a search that is no longer asked, whichever comes back last", () => {
    store().contactsRequested("b");
    store().contactsRequested("c");
    store().contactsLoaded([person(CAROL, "Carol")], { query: "c", next: null });
    store().contactsLoaded([person(BOB, "Bob")], { query: "b", next: null });
    store().moreContactsLoaded("x", [person(DAN, "Dan")], { query: "b", next: null });

    expect(found()?.ids).toEqual([CAROL]);
  });

  it("pages a search on its own, and forgets it when the box is emptied", () => {
    store().contactsRequested("a");
    store().contactsLoaded([person(BOB, "Bob")], { query: "a", next: "after-bob" });
    store().moreContactsRequested("a");
    store().moreContactsLoaded("after-bob", [person(DAN, "Dan")], { query: "a", next: null });

    expect(found()).toMatchObject({ ids: [BOB, DAN], next: null, moreStatus: "ready" });
    expect(ids()).toEqual([BOB, CAROL]);

    store().searchCleared();
    expect(found()).toBeNull();
  });
});
