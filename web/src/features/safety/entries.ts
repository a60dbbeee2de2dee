/**
 * The safety entries of a menu about another person: Block or Unblock, and Report (a message of
 * theirs). Structurally the `MenuEntry` of components/ui/Menu, so an owner spreads them into its
 * own entries; choosing one opens the matching question in <SafetyDialogs />. Their labels follow
 * the store: an owner re-renders on `useSafetyStore((s) => s.blocked)` to show Unblock after a block.
 */
import { Ban, Flag, ShieldCheck, type LucideIcon } from "lucide-react";
import { useChatStore } from "../../store/chat";
import { type Someone, isBlocked, useSafetyStore } from "../../store/safety";

export interface SafetyEntry {
  label: string;
  icon: LucideIcon;
  onSelect: () => void;
  danger?: boolean;
}

/** The newest message this person sent me in our conversation, as far as the page has it. */
function newestFrom(personId: string): { messageId: string; text: string | null } | null {
  const messages = useChatStore.getState().conversations[personId]?.messages ?? [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?._id && m.senderId === personId && !m.deletedAt && m.kind !== "system") return { messageId: m._id, text: m.text };
  }
  return null;
}

/**
 * `message`: the message the menu belongs to (a message's menu); without it (the conversation
 * header) Report is about their newest message here, and absent when they sent none.
 */
export function safetyEntries(person: Someone, message?: { messageId: string; text: string | null }): SafetyEntry[] {
  const { asked } = useSafetyStore.getState();
  const blocked = isBlocked(person._id);
  const entries: SafetyEntry[] = [
    blocked
      ? { label: `Unblock ${person.fullName}`, icon: ShieldCheck, onSelect: () => asked({ kind: "unblock", person }) }
      : { label: `Block ${person.fullName}`, icon: Ban, danger: true, onSelect: () => asked({ kind: "block", person }) },
  ];
  const reported = message ?? newestFrom(person._id);
  if (reported) {
    entries.push({ label: "Report…", icon: Flag, danger: true, onSelect: () => asked({ kind: "report", person, ...reported }) });
  }
  return entries;
}
