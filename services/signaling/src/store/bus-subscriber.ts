import type { Logger } from "@switchboard/runtime";
import type { RedisEndpoint } from "./redis-endpoint.js";
import { RespConnection, encodeCommand } from "./resp-connection.js";
import type { RespValue } from "./resp-reader.js";

export interface BusSubscriberOptions {
  readonly endpoint: RedisEndpoint;
  readonly logger: Logger;
  readonly channel: string;
  /** One published batch: a view into the received bytes, valid during the call only. */
  readonly onBatch: (raw: Buffer) => void;
}

/**
 * This instance's bus subscription, on a connection of our own: `SUBSCRIBE` on every (re)connection, and each
 * pushed message handed over as the bytes received (no string, no copy unless it spanned socket reads). Other
 * instances see it alive while it is subscribed (`PUBSUB NUMSUB`).
 */
export class BusSubscriber {
  readonly #o: BusSubscriberOptions;
  readonly #conn: RespConnection;
  readonly #channel: Buffer;
  #subscribed = false;
  #settleStart: (() => void) | undefined;

  constructor(opts: BusSubscriberOptions) {
    this.#o = opts;
    this.#channel = Buffer.from(opts.channel);
    this.#conn = new RespConnection({
      endpoint: opts.endpoint,
      name: "signaling-bus",
      logger: opts.logger,
      onReply: (v) => this.#onPush(v),
      onReady: () => this.#conn.write(encodeCommand(["SUBSCRIBE", opts.channel])),
      onClose: () => (this.#subscribed = false),
      onDown: () => this.#settleStart?.(),
      // Several batches (tens of KiB each at full load) per read, into the same memory every time.
      readBufferBytes: SUBSCRIBER_READ_BYTES,
    });
  }

  /** Subscribed now (false while connecting or reconnecting). */
  get subscribed(): boolean {
    return this.#subscribed;
  }

  /** Connects; resolves once subscribed, or once the first attempt failed (it keeps trying after that). */
  start(): Promise<void> {
    const started = new Promise<void>((resolve) => (this.#settleStart = resolve));
    this.#conn.start();
    return started.finally(() => (this.#settleStart = undefined));
  }

  close(): void {
    this.#conn.close();
  }

  #onPush(v: RespValue): void {
    if (!Array.isArray(v) || v.length !== 3 || !Buffer.isBuffer(v[0])) {
      this.#o.logger.warn("unexpected reply on the bus subscription");
      return;
    }
    const [kind, channel, payload] = v;
    if (kind.equals(MESSAGE) && Buffer.isBuffer(channel) && channel.equals(this.#channel)) {
      if (Buffer.isBuffer(payload)) this.#o.onBatch(payload);
    } else if (kind.equals(SUBSCRIBE)) {
      this.#subscribed = true;
      this.#settleStart?.();
    }
  }
}

/** The subscriber's read buffer: batches are tens of KiB at full load, several may wait together. */
const SUBSCRIBER_READ_BYTES = 256 * 1024;
const MESSAGE = Buffer.from("message");
const SUBSCRIBE = Buffer.from("subscribe");
