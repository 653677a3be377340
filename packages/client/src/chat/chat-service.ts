import type { ChatEntry } from "@switchboard/protocol";
import type { SdkFrame } from "../channel/sdk-frame.js";
import { sync, type ClientContext } from "../context.js";
import { ChatError, toSwitchboardError } from "../errors.js";
import type { ChatItem } from "../events.js";
import { fromEntry } from "./chat-log.js";

type ChatFrame = Extract<SdkFrame, { t: "chat" }>;

/** Chat: over the data channels when every peer of the room is connected, else through signaling. */
export class ChatService {
  readonly #ctx: ClientContext;
  #seq = 0;

  constructor(ctx: ClientContext) {
    this.#ctx = ctx;
  }

  /** Resolves with the item sent over channels, or undefined when signaling stamps it (a `chat` event follows). */
  async send(text: string, roomId: string | undefined): Promise<ChatItem | undefined> {
    const ctx = this.#ctx;
    if (!roomId) throw new ChatError("not_in_room", "join a meeting first");
    // The data-channel path bypasses the server, which refuses signaling chat when the meeting turns it off.
    if (ctx.roster.settings(roomId)?.isChatEnabled === false)
      throw new ChatError("chat_disabled", "chat is turned off in this meeting");
    const self = ctx.session.welcome?.sessionId ?? "";
    const others = ctx.roster.peers(roomId).filter((p) => p.peerId !== self);
    const connected = new Set(ctx.connections.connectedPeers());
    if (others.length > 0 && others.every((p) => connected.has(p.peerId))) {
      const item: ChatItem = {
        id: `p:${self}:${++this.#seq}`,
        roomId,
        from: self,
        name: ctx.opts.name ?? "peer",
        text,
        ts: Date.now(),
        self: true,
        via: "channel",
      };
      const frame: ChatFrame = { t: "chat", id: item.id, roomId, name: item.name, text, ts: item.ts };
      try {
        await Promise.all(others.map((p) => ctx.connections.sendFrame(p.peerId, frame)));
      } catch (err) {
        throw new ChatError(toSwitchboardError(err, "not_connected").code, "chat not delivered", {
          cause: err,
        });
      }
      this.add(item);
      return item;
    }
    try {
      await ctx.session.request({ type: "chat", roomId, text });
    } catch (err) {
      throw new ChatError(toSwitchboardError(err, "signaling_unreachable").code, "chat not delivered", {
        cause: err,
      });
    }
    return undefined;
  }

  markRead(): void {
    this.#ctx.chatLog.markRead();
    sync.chat(this.#ctx);
  }

  /** History from `joined` (not counted as unread). */
  addHistory(entries: readonly ChatEntry[], selfId: string): void {
    for (const e of entries) this.#ctx.chatLog.add(fromEntry(e, selfId), { history: true });
    sync.chat(this.#ctx);
  }

  /** A server-stamped message. */
  addEntry(entry: ChatEntry): void {
    this.add(fromEntry(entry, this.#ctx.session.welcome?.sessionId ?? ""));
  }

  /** A message that came over a peer's data channel. */
  addFrame(peerId: string, frame: ChatFrame): void {
    this.add({
      id: frame.id,
      roomId: frame.roomId,
      from: peerId,
      name: frame.name,
      text: frame.text,
      ts: frame.ts,
      self: false,
      via: "channel",
    });
  }

  add(item: ChatItem): void {
    if (!this.#ctx.chatLog.add(item)) return;
    sync.chat(this.#ctx);
    this.#ctx.events.emit("chat", item);
  }
}
