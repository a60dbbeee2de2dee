import { useEffect, useRef, useState } from "react";
import { useNavigate } from "react-router";
import { logout, logoutEverywhere } from "../features/auth/session";
import { verifySession } from "../features/auth/verify";
import { ChatSidebar } from "../features/chats/ChatSidebar";
import { SidebarSearch } from "../features/search/MessageSearch";
import { loadChats, loadContacts, loadWhatFailed, noticeArrivals, noticeStranger, refreshChats } from "../features/chats/lists";
import { useUnreadTitle } from "../features/chats/useUnreadTitle";
import { MuteDialog } from "../features/chats/MuteDialog";
import { settingsEntries } from "../features/chats/settings";
import { useMuteEnds } from "../features/chats/useMuteEnds";
import { ForwardDialog, type Forwarding } from "../features/forward/ForwardDialog";
import { Announcer, Conversation, HeaderToolsSlot, NoConversation } from "../features/messages/Conversation";
import { ForwardSlot, ReactionSlot } from "../features/messages/MessageList";
import { QuickReactions, ReactionBar, ReactionPicker } from "../features/reactions/ReactionBar";
import { ConversationSearch } from "../features/search/ConversationSearch";
import { refreshOpenGroup } from "../features/messages/history";
import { restoreDrafts } from "../features/messages/drafts";
import { keepOutbox, resendUnsent } from "../features/messages/outbox";
import { CreateGroupDialog } from "../features/groups/CreateGroupDialog";
import { safetyEntries } from "../features/safety/entries";
import { GroupPanel } from "../features/groups/GroupPanel";
import { ProfileHeader } from "../features/profile/ProfileHeader";
import { loadNotifyEnabled, notifyPermission } from "../lib/notifications";
import { markOnce } from "../lib/perf";
import { loadKeySoundsEnabled, loadSoundEnabled } from "../lib/preferences";
import { keyClicksSwitched } from "../lib/sounds";
import { connectSocket, disconnectSocket } from "../realtime/socket";
import { useAuthStore } from "../store/auth";
import { groupIdOf, useChatStore } from "../store/chat";
import { useSettingsStore } from "../store/settings";
import { useChatRoute } from "./chatRoute";

/**
 * Closing a chat (Escape, its close button, Back) takes the focused element away with it: the
 * focus goes to that chat's entry in the list (data-person / data-group on the sidebar's rows),
 * where a keyboard user left off.
 */
function useFocusReturnsToClosedChat(activeId: string | null) {
  const previous = useRef(activeId);
  useEffect(() => {
    const closed = previous.current;
    previous.current = activeId;
    if (activeId !== null || closed === null) return;
    if (document.activeElement && document.activeElement !== document.body) return;
    const groupId = groupIdOf(closed);
    const attribute = groupId === null ? `data-person="${CSS.escape(closed)}"` : `data-group="${CSS.escape(groupId)}"`;
    document.querySelector<HTMLElement>(`[data-testid=chat-row][${attribute}]`)?.focus();
  }, [activeId]);
}

// Parts of other features the conversation shows (a feature never imports another).
const REACTIONS = { Bar: ReactionBar, Picker: ReactionPicker, Quick: QuickReactions };
const headerTools = (chatKey: string) => <ConversationSearch chatKey={chatKey} />;

export default function ChatPage() {
  const navigate = useNavigate();
  const meId = useAuthStore((s) => s.user?._id ?? null);
  const activeId = useChatStore((s) => s.activeId);
  const [creatingGroup, setCreatingGroup] = useState(false);
  const [panelOpen, setPanelOpen] = useState(false);
  const [forwarding, setForwarding] = useState<Forwarding | null>(null);
  const activeGroup = activeId ? groupIdOf(activeId) : null;
  useUnreadTitle();
  useMuteEnds();

  useEffect(() => {
    if (!meId) return;
    markOnce("chat-page-mounted");
    useSettingsStore.getState().soundLoaded(loadSoundEnabled());
    useSettingsStore.getState().keySoundsLoaded(loadKeySoundsEnabled());
    // Remembered as on, but the permission may have been taken back in the browser since.
    useSettingsStore.getState().notifyChanged(loadNotifyEnabled() && notifyPermission() === "granted");
    const chat = useChatStore.getState();
    chat.sessionStarted(meId);
    chat.pageVisibilityChanged(document.visibilityState === "visible");
    connectSocket({
      messagesArrived: noticeArrivals,
      caughtUp: () => {
        loadWhatFailed();
        resendUnsent();
      },
      reconnected: () => {
        void refreshChats();
        refreshOpenGroup();
      },
      strangerOnline: noticeStranger,
      sessionInDoubt: verifySession,
    });
    void loadChats();
    void loadContacts();
    void restoreDrafts(meId);
    const stopKeepingOutbox = keepOutbox(meId);

    const onVisibility = () => useChatStore.getState().pageVisibilityChanged(document.visibilityState === "visible");
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      document.removeEventListener("visibilitychange", onVisibility);
      stopKeepingOutbox();
      disconnectSocket();
    };
  }, [meId]);
  // After the session effect above: starting a session closes whatever was open.
  useChatRoute();

  useFocusReturnsToClosedChat(activeId);
  // The sounds follow the switch (the composer asks only whether sounds are on at all).
  useEffect(() => {
    keyClicksSwitched(useSettingsStore.getState().keySoundsEnabled);
    return useSettingsStore.subscribe((s) => keyClicksSwitched(s.keySoundsEnabled));
  }, []);

  // The panel belongs to the open group: another conversation (Back, a notification) closes it.
  const [panelChat, setPanelChat] = useState(activeId);
  if (panelChat !== activeId) {
    setPanelChat(activeId);
    setPanelOpen(false);
  }

  async function onLogout() {
    // Leave the socket first: the server closing it would look like a session ended elsewhere.
    disconnectSocket();
    await logout();
    navigate("/login", { replace: true });
  }

  async function onLogoutEverywhere() {
    // The server closes our socket too; leaving first keeps that from looking like a surprise.
    disconnectSocket();
    if (await logoutEverywhere()) navigate("/login", { replace: true });
    else window.location.reload(); // Still signed in: start the page (and its socket) afresh.
  }

  return (
    <div className="flex h-dvh bg-base-200 md:gap-3 md:p-3">
      <div
        className={`${activeId ? "hidden md:flex" : "flex"} min-h-0 w-full flex-col overflow-hidden md:w-80 md:rounded-box md:border md:border-base-300 md:shadow-sm lg:w-96`}
      >
        <ChatSidebar
          header={<ProfileHeader onLogout={onLogout} onLogoutEverywhere={onLogoutEverywhere} />}
          onNewGroup={() => setCreatingGroup(true)}
          MessageSearch={SidebarSearch}
        />
      </div>
      <main
        className={`${activeId ? "flex" : "hidden md:flex"} min-h-0 min-w-0 flex-1 flex-col overflow-hidden bg-base-100 md:rounded-box md:border md:border-base-300 md:shadow-sm`}
      >
        {activeId ? (
          <HeaderToolsSlot.Provider value={headerTools}>
            <ReactionSlot.Provider value={REACTIONS}>
              <ForwardSlot.Provider value={setForwarding}>
                <Conversation
                  key={activeId}
                  chatKey={activeId}
                  onShowGroup={() => setPanelOpen(true)}
                  safetyEntries={safetyEntries}
                  chatEntries={settingsEntries}
                />
              </ForwardSlot.Provider>
            </ReactionSlot.Provider>
          </HeaderToolsSlot.Provider>
        ) : (
          <NoConversation />
        )}
      </main>
      {creatingGroup && <CreateGroupDialog onClose={() => setCreatingGroup(false)} />}
      {panelOpen && activeGroup && <GroupPanel groupId={activeGroup} onClose={() => setPanelOpen(false)} />}
      {forwarding && <ForwardDialog forwarding={forwarding} onClose={() => setForwarding(null)} />}
      <MuteDialog />
      <Announcer />
    </div>
  );
}
