/** A message's reactions as the server shows them to me (message views, `react`, `reactionsUpdated`). */
export interface Reaction {
  emoji: string;
  count: number;
  /** The first 20 people who reacted with it, in the order they reacted. */
  userIds: string[];
  /** Whether I am one of them. */
  mine: boolean;
}

/** The `react` ack, the REST answer and the `reactionsUpdated` event alike. */
export interface ReactionsOfMessage {
  messageId: string;
  reactions: Reaction[];
}
