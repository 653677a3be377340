import type { ChatEntry } from "@switchboard/protocol";
import type { ChatItem } from "../events.js";

/** Chat history and unread count: each message once (by id), in arrival order, bounded. */
export class ChatLog {
  readonly #items: ChatItem[] = [];
  readonly #ids = new Set<string>();
  readonly #max: number;
  #unread = 0;

  constructor(max = 500) {
    this.#max = max;
  }

  get items(): readonly ChatItem[] {
    return this.#items;
  }

  get unread(): number {
    return this.#unread;
  }

  /** Adds a message; false when it was already there. Messages from others count as unread. */
  add(item: ChatItem, opts: { history?: boolean } = {}): boolean {
    if (this.#ids.has(item.id)) return false;
    this.#ids.add(item.id);
    this.#items.push(item);
    if (!item.self && !opts.history) this.#unread++;
    if (this.#items.length > this.#max) {
      const old = this.#items.shift();
      if (old) this.#ids.delete(old.id);
    }
    return true;
  }

  markRead(): void {
    this.#unread = 0;
  }
}

/** A server-stamped entry as a chat item. */
export function fromEntry(entry: ChatEntry, selfId: string): ChatItem {
  return {
    id: `s:${entry.roomId}:${entry.seq}`,
    roomId: entry.roomId,
    from: entry.from,
    name: entry.name,
    text: entry.text,
    ts: entry.ts,
    self: entry.from === selfId,
    via: "signaling",
  };
}
