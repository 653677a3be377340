/**
 * Cuts a TCP/TLS byte stream into STUN messages (sized by the codec's `nextStreamFrame`) and ChannelData frames
 * over the RFC 5766 channel range (see channel-frame.ts). Holds at most one partial frame (≤ 64 KiB + header);
 * anything else is a protocol error that closes the connection.
 */
import { nextStreamFrame } from "@switchboard/stun-codec";
import { channelFrameLength, isChannelDataByte } from "../channel-frame.js";

export class TurnFramer {
  #pending: Buffer = Buffer.alloc(0);

  /** Complete frames in the data so far (views into it); throws on bytes that start no frame. */
  push(chunk: Buffer): Buffer[] {
    const data = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const frames: Buffer[] = [];
    let offset = 0;
    while (offset < data.length) {
      const rest = data.subarray(offset);
      let length: number | undefined;
      if (isChannelDataByte(rest[0])) length = channelFrameLength(rest);
      else {
        const r = nextStreamFrame(rest);
        if (r.status === "invalid") throw r.error;
        length = r.status === "frame" ? r.length : undefined;
      }
      if (length === undefined || rest.length < length) break;
      frames.push(rest.subarray(0, length));
      offset += length;
    }
    this.#pending = offset === data.length ? Buffer.alloc(0) : Buffer.from(data.subarray(offset));
    return frames;
  }

  get buffered(): number {
    return this.#pending.length;
  }
}
