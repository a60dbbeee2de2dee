import { Forward, ImageIcon } from "lucide-react";
import { useEffect, useMemo, useRef, useState } from "react";
import { useShallow } from "zustand/react/shallow";
import { Avatar } from "../../components/ui/Avatar";
import { Dialog } from "../../components/ui/Dialog";
import { DialogFooter } from "../../components/ui/DialogFooter";
import { SearchField } from "../../components/ui/SearchField";
import { matchesName } from "../../lib/people";
import { groupIdOf, useChatStore } from "../../store/chat";
import { type Destination, FORWARD_MAX, forwardTo } from "./forward";

/** What is being forwarded, as its bubble shows it. */
export interface Forwarding {
  messageId: string;
  text: string | null;
  hasImage: boolean;
}

interface Candidate extends Destination {
  picture: string | null;
  seed: string;
  group: boolean;
}

/**
 * Where a message can go: my conversations, the most recent first (groups I am still in too),
 * then the other people I know of. Narrowed by name as one types.
 */
function useCandidates(query: string): Candidate[] {
  const { chatOrder, people, groups, contactIds, meId } = useChatStore(
    useShallow((s) => ({ chatOrder: s.chatOrder, people: s.people, groups: s.groups, contactIds: s.contactIds, meId: s.meId })),
  );
  return useMemo(() => {
    const q = query.trim().toLowerCase();
    const listed: Candidate[] = [];
    for (const key of chatOrder) {
      const groupId = groupIdOf(key);
      if (groupId !== null) {
        const group = groups[groupId];
        if (group && group.myRole !== null && (!q || group.name.toLowerCase().includes(q))) {
          listed.push({ chatKey: key, name: group.name, picture: group.avatar, seed: group._id, group: true });
        }
      } else {
        const person = people[key];
        if (person && key !== meId && matchesName(person, q)) {
          listed.push({ chatKey: key, name: person.fullName, picture: person.profilePic, seed: key, group: false });
        }
      }
    }
    const inChats = new Set(chatOrder);
    for (const id of contactIds) {
      const person = people[id];
      if (person && !inChats.has(id) && id !== meId && matchesName(person, q)) {
        listed.push({ chatKey: id, name: person.fullName, picture: person.profilePic, seed: id, group: false });
      }
    }
    return listed;
  }, [chatOrder, people, groups, contactIds, meId, query]);
}

/** Pick up to FORWARD_MAX conversations and send the message to each, marked "Forwarded". */
export function ForwardDialog({ forwarding, onClose }: { forwarding: Forwarding; onClose: () => void }) {
  const [query, setQuery] = useState("");
  const [chosen, setChosen] = useState<Destination[]>([]);
  const [busy, setBusy] = useState(false);
  const search = useRef<HTMLInputElement>(null);
  const candidates = useCandidates(query);
  const full = chosen.length >= FORWARD_MAX;

  // After the dialog's own effect has opened it (a parent's effects run after its children's).
  useEffect(() => search.current?.focus(), []);

  function toggle(candidate: Candidate) {
    setChosen((was) =>
      was.some((d) => d.chatKey === candidate.chatKey)
        ? was.filter((d) => d.chatKey !== candidate.chatKey)
        : [...was, { chatKey: candidate.chatKey, name: candidate.name }],
    );
  }

  async function send() {
    if (busy || chosen.length === 0) return;
    setBusy(true);
    const failed = await forwardTo(forwarding.messageId, chosen);
    setBusy(false);
    // Those that got it are done; the rest stay picked for another try.
    if (failed.length === 0) onClose();
    else setChosen(failed);
  }

  return (
    <Dialog title="Forward message" onClose={busy ? () => undefined : onClose}>
      <div className="space-y-3" data-testid="forward-dialog">
        <p className="flex items-center gap-2 truncate rounded-field bg-base-200 px-3 py-2 text-sm text-base-content/80">
          <Forward className="size-4 shrink-0" aria-hidden="true" />
          {forwarding.hasImage && <ImageIcon className="size-4 shrink-0" aria-label="Picture" role="img" />}
          <span className="truncate">{forwarding.text ?? (forwarding.hasImage ? "Photo" : "")}</span>
        </p>
        <SearchField label="Search chats" value={query} onChange={setQuery} inputRef={search} className="w-full" />
        <fieldset className="min-w-0">
          <legend className="mb-1 text-sm font-medium">
            Send to <span className="font-normal text-base-content/70">(up to {FORWARD_MAX})</span>
          </legend>
          <ul className="scroll-thin max-h-72 space-y-0.5 overflow-y-auto" data-testid="forward-targets">
            {candidates.map((c) => {
              const picked = chosen.some((d) => d.chatKey === c.chatKey);
              return (
                <li key={c.chatKey}>
                  <label className="flex cursor-pointer items-center gap-3 rounded-box px-2 py-1.5 hover:bg-base-200">
                    <input
                      type="checkbox"
                      className="checkbox checkbox-sm checkbox-primary"
                      checked={picked}
                      disabled={busy || (full && !picked)}
                      onChange={() => toggle(c)}
                    />
                    <Avatar name={c.name} src={c.picture} seed={c.seed} size="xs" />
                    <span className="min-w-0 flex-1 truncate" data-testid="forward-target-name">
                      {c.name}
                    </span>
                    {c.group && <span className="text-xs text-base-content/70">Group</span>}
                  </label>
                </li>
              );
            })}
          </ul>
          <p className="mt-1 text-xs text-base-content/70" aria-live="polite">
            {candidates.length === 0 ? (query.trim() ? "No chat by that name." : "No chats yet.") : full ? `At most ${FORWARD_MAX} at once.` : ""}
          </p>
        </fieldset>
        <DialogFooter
          onCancel={onClose}
          action={chosen.length > 1 ? `Send to ${chosen.length}` : "Send"}
          onAction={() => void send()}
          busy={busy}
          disabled={chosen.length === 0}
        />
      </div>
    </Dialog>
  );
}
