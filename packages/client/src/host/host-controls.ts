import type { Outgoing } from "../signaling/session.js";

/** Host controls: lobby admit/deny, kick, mute request, lock, end. Each resolves on the server's ack. */
export class HostControls {
  readonly #request: (msg: Outgoing) => Promise<unknown>;

  constructor(request: (msg: Outgoing) => Promise<unknown>) {
    this.#request = request;
  }

  async admit(roomId: string, peerId: string): Promise<void> {
    await this.#request({ type: "lobby.admit", roomId, peerId });
  }

  async deny(roomId: string, peerId: string): Promise<void> {
    await this.#request({ type: "lobby.deny", roomId, peerId });
  }

  async kick(roomId: string, peerId: string): Promise<void> {
    await this.#request({ type: "kick", roomId, peerId });
  }

  async requestMute(roomId: string, peerId: string, kind: "audio" | "video"): Promise<void> {
    await this.#request({ type: "mute.request", roomId, peerId, kind });
  }

  async lock(roomId: string, locked = true): Promise<void> {
    await this.#request({ type: "room.lock", roomId, locked });
  }

  async end(roomId: string): Promise<void> {
    await this.#request({ type: "room.end", roomId });
  }
}
