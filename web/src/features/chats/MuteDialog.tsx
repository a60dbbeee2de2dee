import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { Dialog } from "../../components/ui/Dialog";
import { DialogFooter } from "../../components/ui/DialogFooter";
import { groupIdOf, useChatStore } from "../../store/chat";
import { changeSettings } from "./settings";
import { muteAnswered, useMuteQuestion } from "./muteQuestion";

/** How long a mute lasts, as WhatsApp offers it (seconds; null: until unmuted). */
const DURATIONS = [
  { label: "8 hours", seconds: 8 * 3600 },
  { label: "1 week", seconds: 7 * 24 * 3600 },
  { label: "Always", seconds: null },
] as const;

/** Asks for how long to mute the chat whose Mute… was chosen (a chat's menus: settings.ts). */
export function MuteDialog() {
  const chatKey = useMuteQuestion((s) => s.chatKey);
  useEffect(() => muteAnswered, []); // a question left open goes with the page (a log-out)
  if (chatKey === null) return null;
  return <MuteChoice key={chatKey} chatKey={chatKey} />;
}

function MuteChoice({ chatKey }: { chatKey: string }) {
  const groupId = groupIdOf(chatKey);
  const name = useChatStore((s) => (groupId ? s.groups[groupId]?.name : s.people[chatKey]?.fullName));
  const [chosen, setChosen] = useState(0);
  const radios = useId();
  const first = useRef<HTMLInputElement>(null);
  // The first choice takes the focus once the dialog is open (showModal, in Dialog's own
  // effect, which runs first, would otherwise give it to the close button).
  useEffect(() => first.current?.focus(), []);

  function submit(event: FormEvent) {
    event.preventDefault();
    const seconds = DURATIONS[chosen]?.seconds ?? null;
    void changeSettings(chatKey, seconds === null ? { muted: true } : { mutedFor: seconds });
    muteAnswered();
  }

  return (
    <Dialog title={name ? `Mute ${name}` : "Mute this chat"} onClose={muteAnswered}>
      <form className="space-y-4" onSubmit={submit}>
        <p className="text-sm text-base-content/70">
          No sounds or notifications for new messages.
          {groupId ? " A message that mentions you still notifies." : ""} Nobody else is told.
        </p>
        <fieldset className="space-y-2">
          <legend className="mb-2 text-sm font-medium">For how long?</legend>
          {DURATIONS.map((duration, index) => (
            <label key={duration.label} className="flex cursor-pointer items-center gap-3 text-sm">
              <input
                type="radio"
                className="radio radio-sm radio-primary"
                name={radios}
                checked={chosen === index}
                onChange={() => setChosen(index)}
                ref={index === 0 ? first : undefined}
              />
              {duration.label}
            </label>
          ))}
        </fieldset>
        <DialogFooter className="modal-action" onCancel={muteAnswered} action="Mute" />
      </form>
    </Dialog>
  );
}
