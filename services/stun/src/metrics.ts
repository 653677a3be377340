import { Counter, Gauge, type Registry } from "@switchboard/runtime";

export type Transport = "udp" | "tcp";

/** What became of one inbound message (the `result` label of `stun_requests_total`). */
export type RequestResult =
  | "success" // Binding success response sent
  | "bad_request" // 400 error response sent
  | "unknown_attribute" // 420 error response sent
  | "indication" // Binding indication (keep-alive): no response by design
  | "rate_limited" // dropped by the per-source amplification guard
  | "dropped" // not answerable: not STUN, a response, bad FINGERPRINT, truncated…
  | "handler_error"; // the handler threw (a bug): that datagram is lost, the service goes on

export type TcpCloseReason = "idle" | "bad_frame" | "peer" | "error" | "shutdown";

const TRANSPORTS: readonly Transport[] = ["udp", "tcp"];
const RESULT_INDEX: Readonly<Record<RequestResult, number>> = {
  success: 0,
  bad_request: 1,
  unknown_attribute: 2,
  indication: 3,
  rate_limited: 4,
  dropped: 5,
  handler_error: 6,
};
const RESULTS = Object.keys(RESULT_INDEX) as readonly RequestResult[];

/**
 * The STUN service's metrics. The per-packet path only bumps plain numbers; they reach prom-client when the
 * registry is collected (scrape time), which keeps label hashing off the hot path.
 */
export class StunMetrics {
  readonly #requests = new Float64Array(TRANSPORTS.length * RESULTS.length);
  readonly #sendErrors = new Float64Array(TRANSPORTS.length);
  readonly #tcpActive: Gauge;
  readonly #tcpOpened: Counter;
  readonly #closedByReason: Counter;

  constructor(registry: Registry) {
    const requests = this.#requests;
    const flushed = new Float64Array(requests.length);
    new Counter({
      name: "stun_requests_total",
      help: "Inbound STUN messages by transport and outcome",
      labelNames: ["transport", "result"],
      registers: [registry],
      collect() {
        for (let t = 0; t < TRANSPORTS.length; t++) {
          for (let r = 0; r < RESULTS.length; r++) {
            const i = t * RESULTS.length + r;
            const labels = { transport: TRANSPORTS[t] ?? "udp", result: RESULTS[r] ?? "dropped" };
            this.inc(labels, (requests[i] ?? 0) - (flushed[i] ?? 0));
            flushed[i] = requests[i] ?? 0;
          }
        }
      },
    });
    const sendErrors = this.#sendErrors;
    const sentFlushed = new Float64Array(sendErrors.length);
    new Counter({
      name: "stun_send_errors_total",
      help: "Responses the operating system refused to send",
      labelNames: ["transport"],
      registers: [registry],
      collect() {
        for (let t = 0; t < TRANSPORTS.length; t++) {
          this.inc({ transport: TRANSPORTS[t] ?? "udp" }, (sendErrors[t] ?? 0) - (sentFlushed[t] ?? 0));
          sentFlushed[t] = sendErrors[t] ?? 0;
        }
      },
    });
    this.#tcpActive = new Gauge({
      name: "stun_tcp_connections_active",
      help: "TCP connections open now",
      registers: [registry],
    });
    this.#tcpOpened = new Counter({
      name: "stun_tcp_connections_total",
      help: "TCP connections accepted",
      registers: [registry],
    });
    this.#closedByReason = new Counter({
      name: "stun_tcp_connections_closed_total",
      help: "TCP connections closed, by reason",
      labelNames: ["reason"],
      registers: [registry],
    });
  }

  /** Counts one inbound message. */
  count(transport: Transport, result: RequestResult): void {
    const i = (transport === "udp" ? 0 : RESULTS.length) + RESULT_INDEX[result];
    this.#requests[i] = (this.#requests[i] ?? 0) + 1;
  }

  sendError(transport: Transport): void {
    const t = transport === "udp" ? 0 : 1;
    this.#sendErrors[t] = (this.#sendErrors[t] ?? 0) + 1;
  }

  tcpOpened(): void {
    this.#tcpOpened.inc();
    this.#tcpActive.inc();
  }

  tcpClosed(reason: TcpCloseReason): void {
    this.#tcpActive.dec();
    this.#closedByReason.inc({ reason });
  }
}
