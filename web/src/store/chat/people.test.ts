import { beforeEach, describe, expect, it } from "vitest";
import { BOB, CAROL, DAN, aliceSignedIn, person, store } from "./testing";

beforeEach(aliceSignedIn);

const ids = () => store().contactIds;

describe("the contacts list: the server's people search, page by page", () => {
  it("shows the first page of a search and remembers where the next begins", () => {
    store().contactsRequested("bo");
    store().contactsLoaded([person(BOB, "Bob")], { query: "bo", next: "after-bob" });

    expect(ids()).toEqual([BOB]);
    expect(store().contactsNext).toBe("after-bob");
  });

  it("drops the answer to a search that is no longer asked, whichever comes back last", () => {
    store().contactsRequested("b");
    store().contactsRequested("c");
    store().contactsLoaded([person(CAROL, "Carol")], { query: "c", next: null });
    store().contactsLoaded([person(BOB, "Bob")], { query: "b", next: null });

    expect(ids()).toEqual([CAROL]);
  });

  it("adds the next page at the end, once, and only while the list still ends where it was asked", () => {
    store().contactsRequested("");
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

  it("starts again from the first page when the search changes", () => {
    store().contactsRequested("");
    store().contactsLoaded([person(BOB, "Bob")], { query: "", next: "after-bob" });
    store().contactsRequested("car");
    store().moreContactsLoaded("after-bob", [person(DAN, "Dan")], { query: "", next: null });
    store().contactsLoaded([person(CAROL, "Carol")], { query: "car", next: null });

    expect(ids()).toEqual([CAROL]);
    expect(store().contactsNext).toBeNull();
  });
});
