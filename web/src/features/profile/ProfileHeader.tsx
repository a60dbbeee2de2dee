import { Bell, BellOff, Keyboard, LogOut, Monitor, Moon, Settings, Sun, Volume2, VolumeX } from "lucide-react";
import { type ChangeEvent, useRef, useState } from "react";
import toast from "react-hot-toast";
import { updateProfile } from "../../api/auth";
import { errorMessage } from "../../api/http";
import { uploadPicture } from "../../api/media";
import { AvatarButton } from "../../components/ui/AvatarButton";
import { Logo } from "../../components/ui/Logo";
import { Menu } from "../../components/ui/Menu";
import { IMAGE_TYPES, pictureProblem, takeChosenFile } from "../../lib/images";
import { askNotifyPermission, notifyPermission, saveNotifyEnabled } from "../../lib/notifications";
import { THEMES, type Theme, applyTheme, saveKeySoundsEnabled, saveSoundEnabled, saveTheme } from "../../lib/preferences";
import { playClick, unlockAudio } from "../../lib/sounds";
import { useAuthStore } from "../../store/auth";
import { useSettingsStore } from "../../store/settings";
import { SettingsDialog } from "./SettingsDialog";

const THEME_LABEL: Record<Theme, string> = { light: "Light", dark: "Dark", system: "System" };
const THEME_ICON = { light: Sun, dark: Moon, system: Monitor } as const;

/** Light, dark or the system's choice, remembered in this browser. */
function ThemeMenu() {
  const theme = useSettingsStore((s) => s.theme);
  const Icon = THEME_ICON[theme];

  function choose(next: Theme) {
    useSettingsStore.getState().themeChosen(next);
    saveTheme(next);
    applyTheme(next);
  }

  return (
    <Menu
      label={`Theme: ${THEME_LABEL[theme]}`}
      entries={THEMES.map((option) => ({
        label: THEME_LABEL[option],
        icon: THEME_ICON[option],
        checked: theme === option,
        onSelect: () => choose(option),
      }))}
      buttonClassName="btn btn-ghost btn-sm btn-circle"
      testId="theme-toggle"
    >
      <Icon className="size-4.5" aria-hidden="true" />
    </Menu>
  );
}

/** Sounds (a message arriving, clicks) and, apart, a click for every key typed. */
function SoundMenu() {
  const soundEnabled = useSettingsStore((s) => s.soundEnabled);
  const keySoundsEnabled = useSettingsStore((s) => s.keySoundsEnabled);

  function toggleSound() {
    unlockAudio();
    useSettingsStore.getState().soundToggled();
    const enabled = useSettingsStore.getState().soundEnabled;
    saveSoundEnabled(enabled);
    if (enabled) playClick();
  }

  function toggleKeySounds() {
    unlockAudio();
    useSettingsStore.getState().keySoundsToggled();
    saveKeySoundsEnabled(useSettingsStore.getState().keySoundsEnabled);
  }

  return (
    <Menu
      label={soundEnabled ? "Sounds: on" : "Sounds: off"}
      entries={[
        { label: "Sounds", icon: Volume2, checked: soundEnabled, checkbox: true, onSelect: toggleSound },
        { label: "Key clicks", icon: Keyboard, checked: keySoundsEnabled, checkbox: true, onSelect: toggleKeySounds },
      ]}
      buttonClassName="btn btn-ghost btn-sm btn-circle"
      testId="sound-toggle"
    >
      {soundEnabled ? <Volume2 className="size-4.5" aria-hidden="true" /> : <VolumeX className="size-4.5" aria-hidden="true" />}
    </Menu>
  );
}

/** Browser notifications for messages that arrive while this tab is hidden. */
function NotifyToggle() {
  const enabled = useSettingsStore((s) => s.notifyEnabled);

  async function toggle() {
    if (enabled) {
      useSettingsStore.getState().notifyChanged(false);
      saveNotifyEnabled(false);
      return;
    }
    // Asked from this click: browsers ignore (or punish) requests made without a gesture.
    const permission = notifyPermission() === "granted" ? "granted" : await askNotifyPermission();
    if (permission === "granted") {
      useSettingsStore.getState().notifyChanged(true);
      saveNotifyEnabled(true);
      toast.success("You will be notified of messages while SocketSpace is in the background.");
    } else if (permission === "unsupported") {
      toast.error("This browser cannot show notifications.");
    } else if (permission === "denied") {
      toast.error("Notifications are blocked for this site. Allow them in your browser's site settings.");
    }
  }

  return (
    <button
      type="button"
      className="btn btn-ghost btn-sm btn-circle"
      onClick={() => void toggle()}
      aria-label={enabled ? "Turn notifications off" : "Turn notifications on"}
      aria-pressed={enabled}
      title={enabled ? "Notifications on" : "Notifications off"}
      data-testid="notify-toggle"
    >
      {enabled ? <Bell className="size-4.5" /> : <BellOff className="size-4.5" />}
    </button>
  );
}

interface ProfileHeaderProps {
  onLogout: () => void;
  onLogoutEverywhere: () => void;
}

export function ProfileHeader({ onLogout, onLogoutEverywhere }: ProfileHeaderProps) {
  const user = useAuthStore((s) => s.user);
  const [uploading, setUploading] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  if (!user) return null;

  async function changePicture(event: ChangeEvent<HTMLInputElement>) {
    const file = takeChosenFile(event.target);
    if (!file) return;
    const problem = await pictureProblem(file);
    if (problem) {
      toast.error(problem, { id: "image-problem" });
      return;
    }
    setUploading(true);
    try {
      // Uploaded as a file, then named by its id: no base64 inside JSON.
      const picture = await uploadPicture(file, "avatar");
      const updated = await updateProfile({ profilePic: picture.id });
      useAuthStore.getState().signedIn(updated);
      toast.success("Profile picture updated");
    } catch (error) {
      toast.error(errorMessage(error));
    } finally {
      setUploading(false);
    }
  }

  return (
    <header className="px-3 pt-3 pb-3">
      <div className="mb-3 flex items-center justify-between px-1">
        <Logo className="size-7" />
        <div className="flex items-center gap-1">
          <ThemeMenu />
          <NotifyToggle />
          <SoundMenu />
          <button
            type="button"
            className="btn btn-ghost btn-sm btn-circle"
            onClick={() => setSettingsOpen(true)}
            aria-label="Settings"
            title="Settings"
          >
            <Settings className="size-4.5" />
          </button>
          <button
            type="button"
            className="btn btn-ghost btn-sm btn-circle"
            onClick={onLogout}
            aria-label="Log out"
            title="Log out"
          >
            <LogOut className="size-4.5" />
          </button>
        </div>
      </div>
      <div className="flex items-center gap-3 rounded-box bg-base-200 p-3">
        <AvatarButton
          name={user.fullName}
          src={user.profilePic}
          seed={user._id}
          size="md"
          label="Change profile picture"
          busy={uploading}
          onClick={() => fileInput.current?.click()}
        />
        <input
          ref={fileInput}
          type="file"
          accept={IMAGE_TYPES.join(",")}
          className="hidden"
          onChange={changePicture}
          tabIndex={-1}
          data-testid="avatar-input"
        />
        <div className="min-w-0">
          <p className="truncate font-semibold" data-testid="my-name">
            {user.fullName}
          </p>
          <p className="truncate text-xs text-base-content/70">{user.email}</p>
        </div>
      </div>
      {settingsOpen && (
        <SettingsDialog onClose={() => setSettingsOpen(false)} onLogoutEverywhere={onLogoutEverywhere} />
      )}
    </header>
  );
}
