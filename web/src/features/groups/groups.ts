/**
 * Changing groups over REST: each answer that is the group goes into the store at once (the
 * `groupUpdated` that follows changes nothing more). Each returns whether it worked, so a form
 * can stay open on failure; the failure itself is a toast.
 */
import toast from "react-hot-toast";
import {
  addMembers,
  createGroup,
  fetchGroup,
  removeMember,
  setRole,
  updateGroup,
} from "../../api/groups";
import { errorMessage } from "../../api/http";
import { uploadPicture } from "../../api/media";
import { groupKey, useChatStore } from "../../store/chat";
import type { Group } from "../../types";

const store = () => useChatStore.getState();

/** Group names: 1–100 characters after trimming, as the server counts them. */
export const GROUP_NAME_MAX = 100;

export function groupNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (!trimmed) return "Give the group a name.";
  if (trimmed.length > GROUP_NAME_MAX) return `A group name has at most ${GROUP_NAME_MAX} characters.`;
  return null;
}

async function attempt(work: () => Promise<void>): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (error) {
    toast.error(errorMessage(error));
    return false;
  }
}

/** The group as it is now: from the answer when it is the group, else asked for. */
async function settle(groupId: string, answer: Group | null): Promise<void> {
  store().groupLoaded(answer ?? (await fetchGroup(groupId)));
}

/** Create a group (and give it its picture), then open it. */
export async function startGroup(name: string, memberIds: string[], picture: File | null): Promise<boolean> {
  return attempt(async () => {
    let group = await createGroup(name.trim(), memberIds);
    store().groupLoaded(group);
    if (picture) {
      try {
        const uploaded = await uploadPicture(picture, "avatar");
        group = await updateGroup(group._id, { avatar: uploaded.id });
        store().groupLoaded(group);
      } catch (error) {
        toast.error(`The group was created, but its picture was not saved: ${errorMessage(error)}`);
      }
    }
    store().chatOpened(groupKey(group._id));
  });
}

export function renameGroup(groupId: string, name: string): Promise<boolean> {
  return attempt(async () => store().groupLoaded(await updateGroup(groupId, { name: name.trim() })));
}

/** A new picture (uploaded as an avatar first), or null for initials. */
export function changeGroupPicture(groupId: string, picture: File | null): Promise<boolean> {
  return attempt(async () => {
    const avatar = picture ? (await uploadPicture(picture, "avatar")).id : null;
    store().groupLoaded(await updateGroup(groupId, { avatar }));
  });
}

export function addPeople(groupId: string, userIds: string[]): Promise<boolean> {
  return attempt(async () => store().groupLoaded(await addMembers(groupId, userIds)));
}

export function removePerson(groupId: string, userId: string): Promise<boolean> {
  return attempt(async () => settle(groupId, await removeMember(groupId, userId)));
}

export function changeRole(groupId: string, userId: string, role: "admin" | "member"): Promise<boolean> {
  return attempt(async () => settle(groupId, await setRole(groupId, userId, role)));
}

/** Leave: the history stays readable here, nothing else (the server's groupRemoved says the same). */
export function leaveGroup(groupId: string): Promise<boolean> {
  return attempt(async () => {
    const meId = store().meId;
    if (!meId) return;
    await removeMember(groupId, meId);
    store().groupRemoved(groupId);
  });
}
