import { LogOut, Pencil, ShieldCheck, ShieldMinus, Trash2, UserMinus, UserPlus } from "lucide-react";
import { type ChangeEvent, type FormEvent, type ReactNode, useEffect, useId, useMemo, useRef, useState } from "react";
import { flushSync } from "react-dom";
import toast from "react-hot-toast";
import { Avatar } from "../../components/ui/Avatar";
import { AvatarButton } from "../../components/ui/AvatarButton";
import { Dialog } from "../../components/ui/Dialog";
import { DialogFooter } from "../../components/ui/DialogFooter";
import { IMAGE_TYPES, pictureProblem, takeChosenFile } from "../../lib/images";
import { useChatStore } from "../../store/chat";
import type { GroupMember, GroupRole } from "../../types";
import {
  addPeople,
  changeGroupPicture,
  changeRole,
  leaveGroup,
  removePerson,
  renameGroup,
} from "./groups";
import { GroupNameField, useGroupName } from "./GroupNameField";
import { PeoplePicker } from "./PeoplePicker";

const ROLE_LABEL: Record<GroupRole, string> = { owner: "Owner", admin: "Admin", member: "Member" };
const YOU_ARE: Record<GroupRole, string> = { owner: "the owner", admin: "an admin", member: "a member" };

/**
 * What I may do to a member, as the server allows it: admins make members admins (as WhatsApp
 * lets them) and remove members; only the owner makes an admin a member again, and removes
 * admins. Nobody changes the owner's role.
 */
function powers(myRole: GroupRole | null, them: GroupMember, meId: string | null) {
  const self = them._id === meId;
  return {
    canRemove: !self && (myRole === "owner" ? them.role !== "owner" : myRole === "admin" && them.role === "member"),
    canPromote: !self && (myRole === "owner" || myRole === "admin") && them.role === "member",
    canDemote: !self && myRole === "owner" && them.role === "admin",
  };
}

function RenameForm({ groupId, name, onDone }: { groupId: string; name: string; onDone: () => void }) {
  const value = useGroupName(name);
  const [busy, setBusy] = useState(false);
  const id = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (value.check() || busy) return;
    if (value.value.trim() === name) {
      onDone();
      return;
    }
    setBusy(true);
    const saved = await renameGroup(groupId, value.value);
    setBusy(false);
    if (saved) onDone();
  }

  return (
    <form className="w-full space-y-2" onSubmit={submit} noValidate aria-label="Rename the group">
      <GroupNameField id={id} value={value.value} onChange={value.change} error={value.error} />
      {value.error && (
        <p className="text-sm text-error" role="alert">
          {value.error}
        </p>
      )}
      <DialogFooter onCancel={onDone} action="Save" busy={busy} small />
    </form>
  );
}

function MemberRow({
  groupId,
  member,
  meId,
  myRole,
  online,
  onRemoved,
}: {
  groupId: string;
  member: GroupMember;
  meId: string | null;
  myRole: GroupRole | null;
  online: boolean;
  /** The row (and the button that had focus) is gone: focus goes elsewhere. */
  onRemoved: () => void;
}) {
  const [busy, setBusy] = useState(false);
  // Removing asks first, in the row itself, as leaving does; "Keep" gives the focus back.
  const [askingRemove, setAskingRemove] = useState(false);
  const removeButton = useRef<HTMLButtonElement>(null);
  const keep = () => {
    flushSync(() => setAskingRemove(false));
    removeButton.current?.focus();
  };
  const { canRemove, canPromote, canDemote } = powers(myRole, member, meId);
  const self = member._id === meId;
  const run = async (work: () => Promise<boolean>) => {
    setBusy(true);
    await work();
    setBusy(false);
  };
  return (
    <li className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-box px-2 py-2 hover:bg-base-200/60" data-testid="group-member">
      <span className="relative">
        <Avatar name={member.fullName} src={member.profilePic} seed={member._id} size="sm" online={online} />
        <span className="sr-only">{online ? "(online)" : "(offline)"}</span>
      </span>
      <span className="min-w-0 flex-1">
        <span className="block truncate font-medium">
          {member.fullName}
          {self && <span className="font-normal text-base-content/70"> (you)</span>}
        </span>
        <span className="block text-xs text-base-content/70" data-testid="member-role">
          {ROLE_LABEL[member.role]}
        </span>
      </span>
      {(canPromote || canDemote || canRemove) && (
        <span className="ml-auto flex shrink-0 items-center gap-1">
          {canPromote && (
            <button
              type="button"
              className="btn btn-ghost btn-xs"
              disabled={busy}
              onClick={() => void run(() => changeRole(groupId, member._id, "admin"))}
              aria-label={`Make ${member.fullName} an admin`}
            >
              <ShieldCheck className="size-3.5" aria-hidden="true" /> Make admin
            </button>
          )}
          {canDemote && (
            <button
              type="button"
              className="btn btn-ghost btn-xs"
              disabled={busy}
              onClick={() => void run(() => changeRole(groupId, member._id, "member"))}
              aria-label={`Make ${member.fullName} a member, not an admin`}
            >
              <ShieldMinus className="size-3.5" aria-hidden="true" /> Dismiss admin
            </button>
          )}
          {canRemove && (
            <button
              ref={removeButton}
              type="button"
              className="btn btn-ghost btn-xs text-error"
              disabled={busy || askingRemove}
              onClick={() => setAskingRemove(true)}
              aria-label={`Remove ${member.fullName} from the group`}
            >
              <UserMinus className="size-3.5" aria-hidden="true" /> Remove
            </button>
          )}
        </span>
      )}
      {canRemove && askingRemove && (
        <Confirm
          label={`Remove ${member.fullName}?`}
          testId="confirm-remove"
          className="basis-full"
          keepLabel="Keep"
          onKeep={keep}
          action="Remove"
          onAction={() =>
            void run(async () => {
              const removed = await removePerson(groupId, member._id);
              if (removed) onRemoved();
              else keep();
              return removed;
            })
          }
          busy={busy}
        >
          Remove <strong className="break-words">{member.fullName}</strong> from the group? They will stop receiving its messages, and
          keep its history up to now.
        </Confirm>
      )}
    </li>
  );
}

function AddPeople({ groupId, members, onDone }: { groupId: string; members: GroupMember[]; onDone: () => void }) {
  const [picked, setPicked] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const excluded = useMemo(() => new Set(members.map((m) => m._id)), [members]);

  async function add() {
    if (picked.length === 0 || busy) return;
    setBusy(true);
    const added = await addPeople(groupId, picked);
    setBusy(false);
    if (added) onDone();
  }

  return (
    <div className="space-y-3 rounded-box border border-base-300 p-3" data-testid="add-people">
      <PeoplePicker label="Add people" excluded={excluded} selected={picked} onChange={setPicked} />
      <DialogFooter
        onCancel={onDone}
        action={`Add ${picked.length > 0 ? picked.length : ""}`}
        onAction={() => void add()}
        busy={busy}
        disabled={picked.length === 0}
        small
      />
    </div>
  );
}

/** A question asked in the panel itself (leaving, removing someone), focus on the safe choice. */
function Confirm({
  label,
  testId,
  className = "",
  keepLabel,
  onKeep,
  action,
  onAction,
  busy,
  children,
}: {
  label: string;
  testId: string;
  className?: string;
  keepLabel: string;
  onKeep: () => void;
  action: string;
  onAction: () => void;
  busy: boolean;
  children: ReactNode;
}) {
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => keep.current?.focus(), []);
  return (
    <div className={`space-y-2 rounded-box bg-error/10 p-3 ${className}`} role="alertdialog" aria-label={label} data-testid={testId}>
      <p className="text-sm">{children}</p>
      <DialogFooter onCancel={onKeep} cancelLabel={keepLabel} cancelRef={keep} action={action} onAction={onAction} busy={busy} danger small />
    </div>
  );
}

/** Leaving asks first. */
function LeaveGroup({ groupId, name, onLeft }: { groupId: string; name: string; onLeft: () => void }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const leaveButton = useRef<HTMLButtonElement>(null);
  const stay = () => {
    flushSync(() => setAsking(false));
    leaveButton.current?.focus();
  };

  async function leave() {
    setBusy(true);
    const left = await leaveGroup(groupId);
    setBusy(false);
    if (left) onLeft();
  }

  if (!asking) {
    return (
      <button ref={leaveButton} type="button" className="btn btn-ghost btn-sm text-error" onClick={() => setAsking(true)}>
        <LogOut className="size-4" aria-hidden="true" /> Leave group
      </button>
    );
  }
  return (
    <Confirm
      label={`Leave ${name}?`}
      testId="confirm-leave"
      keepLabel="Stay"
      onKeep={stay}
      action="Leave"
      onAction={() => void leave()}
      busy={busy}
    >
      Leave <strong className="break-words">{name}</strong>? You will stop receiving its messages, and keep its history up to now.
    </Confirm>
  );
}

/** The group panel: its picture and name, the members with roles and presence, and what I may change. */
export function GroupPanel({ groupId, onClose }: { groupId: string; onClose: () => void }) {
  const group = useChatStore((s) => s.groups[groupId]);
  const meId = useChatStore((s) => s.meId);
  const online = useChatStore((s) => s.online);
  const [renaming, setRenaming] = useState(false);
  const [adding, setAdding] = useState(false);
  const [uploading, setUploading] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const membersHeading = useRef<HTMLHeadingElement>(null);

  if (!group) return null;
  const myRole = group.myRole;
  const manager = myRole === "owner" || myRole === "admin";
  const members = group.members;
  // The owner first, then admins, then everyone else by name.
  const ordered = members
    ? [...members].sort(
        (a, b) =>
          ["owner", "admin", "member"].indexOf(a.role) - ["owner", "admin", "member"].indexOf(b.role) ||
          a.fullName.localeCompare(b.fullName),
      )
    : null;

  async function pickPicture(event: ChangeEvent<HTMLInputElement>) {
    const file = takeChosenFile(event.target);
    if (!file) return;
    const problem = await pictureProblem(file);
    if (problem) {
      toast.error(problem, { id: "image-problem" });
      return;
    }
    setUploading(true);
    if (await changeGroupPicture(groupId, file)) toast.success("Group picture changed");
    setUploading(false);
  }

  async function dropPicture() {
    setUploading(true);
    await changeGroupPicture(groupId, null);
    setUploading(false);
  }

  return (
    <Dialog title="Group" onClose={onClose}>
      <div className="space-y-5" data-testid="group-panel">
        <section className="flex flex-col items-center gap-2 text-center" aria-label="Name and picture">
          {manager ? (
            <AvatarButton
              name={group.name}
              src={group.avatar}
              seed={group._id}
              size="lg"
              label="Change the group picture"
              busy={uploading}
              onClick={() => fileInput.current?.click()}
            />
          ) : (
            <Avatar name={group.name} src={group.avatar} seed={group._id} size="lg" />
          )}
          <input ref={fileInput} type="file" accept={IMAGE_TYPES.join(",")} className="hidden" onChange={(e) => void pickPicture(e)} tabIndex={-1} data-testid="group-picture-input" />
          {manager && group.avatar && (
            <button type="button" className="btn btn-ghost btn-xs" onClick={() => void dropPicture()} disabled={uploading}>
              <Trash2 className="size-3" aria-hidden="true" /> Remove picture
            </button>
          )}
          {renaming ? (
            <RenameForm groupId={groupId} name={group.name} onDone={() => setRenaming(false)} />
          ) : (
            <div className="flex max-w-full items-center gap-1">
              <h3 className="min-w-0 text-xl font-semibold break-words" data-testid="group-name">
                {group.name}
              </h3>
              {manager && (
                <button type="button" className="btn btn-ghost btn-circle btn-xs" onClick={() => setRenaming(true)} aria-label="Rename the group">
                  <Pencil className="size-3.5" aria-hidden="true" />
                </button>
              )}
            </div>
          )}
          <p className="text-sm text-base-content/70">
            {myRole === null
              ? "You are no longer a member of this group."
              : `${members?.length ?? group.memberCount} members · you are ${YOU_ARE[myRole]}`}
          </p>
        </section>

        <section aria-label="Members" className="space-y-2">
          <div className="flex items-center justify-between gap-2">
            <h4 ref={membersHeading} tabIndex={-1} className="font-semibold focus:outline-none">
              Members
            </h4>
            {manager && !adding && (
              <button type="button" className="btn btn-ghost btn-sm text-primary" onClick={() => setAdding(true)}>
                <UserPlus className="size-4" aria-hidden="true" /> Add people
              </button>
            )}
          </div>
          {adding && members && <AddPeople groupId={groupId} members={members} onDone={() => setAdding(false)} />}
          {ordered === null ? (
            <p className="flex items-center gap-2 text-sm text-base-content/70" role="status">
              <span className="loading loading-spinner loading-xs" aria-hidden="true" /> Loading members…
            </p>
          ) : (
            <ul className="space-y-0.5" data-testid="group-members">
              {ordered.map((m) => (
                <MemberRow
                  key={m._id}
                  groupId={groupId}
                  member={m}
                  meId={meId}
                  myRole={myRole}
                  online={m._id === meId || Boolean(online[m._id])}
                  onRemoved={() => membersHeading.current?.focus()}
                />
              ))}
            </ul>
          )}
        </section>

        {myRole !== null && (
          <section aria-label="Leave" className="border-t border-base-300 pt-3">
            <LeaveGroup groupId={groupId} name={group.name} onLeft={onClose} />
          </section>
        )}
      </div>
    </Dialog>
  );
}
