/** Blocking, unblocking and reporting: the server's answer goes into the store, and a toast says what happened. */
import toast from "react-hot-toast";
import { errorMessage } from "../../api/http";
import { blockPerson, fetchBlocked, reportMessage, unblockPerson } from "../../api/safety";
import { type Someone, useSafetyStore } from "../../store/safety";

const store = () => useSafetyStore.getState();

/** The people I blocked, from the server. */
export async function loadBlocked(): Promise<void> {
  store().blockedRequested();
  try {
    store().blockedLoaded(await fetchBlocked());
  } catch {
    store().blockedFailed();
  }
}

/** True when done; a failure is said in a toast. */
export async function block(person: Someone): Promise<boolean> {
  try {
    await blockPerson(person._id);
    store().personBlocked(person);
    toast.success(`${person.fullName} is blocked.`, { id: `block-${person._id}` });
    return true;
  } catch (error) {
    toast.error(errorMessage(error), { id: `block-${person._id}` });
    return false;
  }
}

export async function unblock(person: Someone): Promise<boolean> {
  try {
    await unblockPerson(person._id);
    store().personUnblocked(person._id);
    toast.success(`${person.fullName} is unblocked.`, { id: `block-${person._id}` });
    return true;
  } catch (error) {
    toast.error(errorMessage(error), { id: `block-${person._id}` });
    return false;
  }
}

export async function report(messageId: string, reason: string): Promise<boolean> {
  try {
    toast.success(await reportMessage(messageId, reason.trim()), { id: `report-${messageId}` });
    return true;
  } catch (error) {
    toast.error(errorMessage(error), { id: `report-${messageId}` });
    return false;
  }
}
