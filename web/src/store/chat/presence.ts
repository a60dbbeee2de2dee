/** Who is online, and the connection that lets us tell. */
import type { ChatSlice } from "./state";

export type Connection = "connecting" | "connected" | "reconnecting" | "offline";

export interface PresenceData {
  online: Record<string, true>;
  connection: Connection;
}

export interface PresenceActions {
  onlineListReceived: (ids: string[]) => void;
  userCameOnline: (userId: string) => void;
  userWentOffline: (userId: string, lastSeen: string | null) => void;
  connectionChanged: (connection: Connection) => void;
}

export function initialPresence(): PresenceData {
  return { online: {}, connection: "connecting" };
}

export const createPresenceSlice: ChatSlice<PresenceData & PresenceActions> = (set) => ({
  ...initialPresence(),
  onlineListReceived: (ids) => {
    const online: Record<string, true> = {};
    for (const id of ids) online[id] = true;
    set({ online });
  },
  userCameOnline: (userId) => set((s) => (s.online[userId] ? {} : { online: { ...s.online, [userId]: true } })),
  userWentOffline: (userId, lastSeen) =>
    set((s) => {
      const online = { ...s.online };
      delete online[userId];
      const person = s.people[userId];
      const people = person ? { ...s.people, [userId]: { ...person, lastSeen } } : s.people;
      return { online, people };
    }),
  connectionChanged: (connection) =>
    // Presence we can no longer follow is not shown; the server sends the list on reconnect.
    set(connection === "connected" ? { connection } : { connection, online: {}, typing: {}, groupTyping: {} }),
});
