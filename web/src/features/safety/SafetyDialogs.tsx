import { type FormEvent, useEffect, useId, useState } from "react";
import { Dialog } from "../../components/ui/Dialog";
import { DialogFooter } from "../../components/ui/DialogFooter";
import { type SafetyQuestion, type Someone, isBlocked, useSafetyStore } from "../../store/safety";
import { block, loadBlocked, report, unblock } from "./actions";

/** Asks before blocking or unblocking someone; `onDone(true)` once it is done. */
function ConfirmBlock({
  kind,
  person,
  onDone,
}: {
  kind: "block" | "unblock";
  person: Someone;
  onDone: (done: boolean) => void;
}) {
  const [busy, setBusy] = useState(false);
  const name = person.fullName;
  const blocking = kind === "block";

  async function confirm() {
    setBusy(true);
    const done = await (blocking ? block(person) : unblock(person));
    setBusy(false);
    if (done) onDone(true);
  }

  return (
    <Dialog title={blocking ? `Block ${name}?` : `Unblock ${name}?`} onClose={() => onDone(false)}>
      <p className="text-sm text-base-content/80" data-testid="safety-explanation">
        {blocking
          ? `Neither of you will be able to message the other, and ${name} will no longer see when you are online. You can unblock them in Settings.`
          : `You will be able to message each other again.`}
      </p>
      <DialogFooter
        className="modal-action"
        onCancel={() => onDone(false)}
        cancelFocused
        action={blocking ? "Block" : "Unblock"}
        onAction={() => void confirm()}
        busy={busy}
        danger={blocking}
      />
    </Dialog>
  );
}

const REASON_MAX = 500;

/** Reports one message, with a reason if given, and offers to block its sender in the same step. */
function ReportDialog({ question, onDone }: { question: Extract<SafetyQuestion, { kind: "report" }>; onDone: () => void }) {
  const { person, messageId, text } = question;
  const [reason, setReason] = useState("");
  const [alsoBlock, setAlsoBlock] = useState(false);
  const [busy, setBusy] = useState(false);
  const reasonId = useId();
  const alreadyBlocked = isBlocked(person._id);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    const done = (await report(messageId, reason)) && (!alsoBlock || (await block(person)));
    setBusy(false);
    if (done) onDone();
  }

  return (
    <Dialog title={`Report a message from ${person.fullName}`} onClose={onDone}>
      <form className="space-y-4" onSubmit={submit} noValidate>
        <blockquote className="rounded-field border-l-4 border-base-300 bg-base-200 px-3 py-2 text-sm break-words whitespace-pre-wrap">
          {text ?? <span className="italic">A picture</span>}
        </blockquote>
        <p className="text-sm text-base-content/70">
          The people who run this server will see this message and your reason. {person.fullName} is not told.
        </p>
        <div className="space-y-1">
          <label htmlFor={reasonId} className="text-sm font-medium">
            What is wrong with it? (optional)
          </label>
          <textarea
            id={reasonId}
            className="textarea w-full"
            rows={3}
            maxLength={REASON_MAX}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </div>
        {!alreadyBlocked && (
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" className="checkbox checkbox-sm" checked={alsoBlock} onChange={(e) => setAlsoBlock(e.target.checked)} />
            Also block {person.fullName}
          </label>
        )}
        <DialogFooter className="modal-action" onCancel={onDone} action="Report" busy={busy} danger />
      </form>
    </Dialog>
  );
}

/**
 * Mounted once while someone is signed in (App.tsx): it shows whichever question a safety menu
 * entry asked, and loads the list of people I blocked (which decides between Block and Unblock).
 * Opened after whatever dialog asked (Settings), it lies above it.
 */
export default function SafetyDialogs() {
  const question = useSafetyStore((s) => s.question);
  const answered = useSafetyStore((s) => s.answered);
  useEffect(() => {
    void loadBlocked();
    return () => useSafetyStore.setState({ blocked: [], blockedStatus: "idle", question: null });
  }, []);
  if (!question) return null;
  if (question.kind === "report") return <ReportDialog key={question.messageId} question={question} onDone={answered} />;
  return <ConfirmBlock key={`${question.kind}-${question.person._id}`} kind={question.kind} person={question.person} onDone={answered} />;
}
