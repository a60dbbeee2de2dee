import { X } from "lucide-react";
import { type ChangeEvent, type FormEvent, useId, useMemo, useRef, useState } from "react";
import toast from "react-hot-toast";
import { AvatarButton } from "../../components/ui/AvatarButton";
import { Dialog } from "../../components/ui/Dialog";
import { DialogFooter } from "../../components/ui/DialogFooter";
import { IMAGE_TYPES, pictureProblem, takeChosenFile, readAsDataUrl } from "../../lib/images";
import { useChatStore } from "../../store/chat";
import { GroupNameField, useGroupName } from "./GroupNameField";
import { startGroup } from "./groups";
import { PeoplePicker } from "./PeoplePicker";

/** A new group: its name, the people in it, and a picture if wanted. */
export function CreateGroupDialog({ onClose }: { onClose: () => void }) {
  const meId = useChatStore((s) => s.meId);
  const name = useGroupName("");
  const [memberIds, setMemberIds] = useState<string[]>([]);
  const [picture, setPicture] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const nameId = useId();
  const errorId = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const excluded = useMemo(() => new Set(meId ? [meId] : []), [meId]);
  /** The picture as a data URL, to show before it is uploaded. */
  const [preview, setPreview] = useState<string | null>(null);

  async function pick(event: ChangeEvent<HTMLInputElement>) {
    const file = takeChosenFile(event.target);
    if (!file) return;
    const problem = await pictureProblem(file);
    if (problem) {
      toast.error(problem, { id: "image-problem" });
      return;
    }
    try {
      setPreview(await readAsDataUrl(file));
      setPicture(file);
    } catch {
      toast.error("Could not read that file.");
    }
  }

  function dropPicture() {
    setPicture(null);
    setPreview(null);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (name.check() || busy) return;
    setBusy(true);
    const created = await startGroup(name.value, memberIds, picture);
    setBusy(false);
    if (created) onClose();
  }

  return (
    <Dialog title="New group" onClose={onClose}>
      <form className="space-y-4" onSubmit={submit} noValidate data-testid="create-group">
        <div className="flex items-center gap-3">
          <AvatarButton
            name={name.value.trim() || "?"}
            src={preview}
            seed="new-group"
            size="lg"
            label={picture ? "Change the group picture" : "Choose a group picture"}
            onClick={() => fileInput.current?.click()}
          />
          <input ref={fileInput} type="file" accept={IMAGE_TYPES.join(",")} className="hidden" onChange={(e) => void pick(e)} tabIndex={-1} data-testid="group-picture-input" />
          <div className="min-w-0 flex-1 space-y-1">
            <GroupNameField id={nameId} value={name.value} onChange={name.change} error={name.error} errorId={errorId} />
            {picture && (
              <button type="button" className="btn btn-ghost btn-xs" onClick={dropPicture}>
                <X className="size-3" aria-hidden="true" /> No picture
              </button>
            )}
          </div>
        </div>
        {name.error && (
          <p id={errorId} className="text-sm text-error" role="alert">
            {name.error}
          </p>
        )}
        <PeoplePicker label="Members" excluded={excluded} selected={memberIds} onChange={setMemberIds} />
        <DialogFooter className="pt-1" onCancel={onClose} action="Create group" busy={busy} />
      </form>
    </Dialog>
  );
}
