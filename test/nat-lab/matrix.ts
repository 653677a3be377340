/**
 * The connection matrix: a `switchboard peer` behind each kind of router (side a) joins a meeting with one behind
 * each kind (side b) through the lab's signaling, STUN and TURN; records the method that won (host, srflx, prflx
 * or relay), the SDK's setup time, and whether a line sent afterwards arrives.
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
// the NAT module alone: the SDK facade behind @switchboard/client/node needs the DOM types to type-check
import { expectDirect, natProfile } from "../../packages/client/src/nat/index.js";
import { HOST_KINDS, SIGNALING_URL, SWITCHBOARD, type HostKind, type Lab, type Side } from "./lab.js";

export interface PairResult {
  readonly a: HostKind;
  readonly b: HostKind;
  readonly connected: boolean;
  /** The method each side reports (they can differ: one side's relay candidate is the other's srflx). */
  readonly methodA?: string;
  readonly methodB?: string;
  /** The SDK's setup time on side a (offer to open data channel), ms. */
  readonly setupMs?: number;
  /** From starting both processes to both reporting the connection, ms (process start-up included). */
  readonly wallMs: number;
  /** A line sent from a (after `idleMs`, when given) arrived at b. */
  readonly delivered: boolean;
  /** Bytes our TURN server relayed while that line ({@link PAYLOAD_BYTES}) went across. */
  readonly relayedBytes?: number;
  /** The ground truth: the payload went through our TURN server (relayed bytes ≥ its size). */
  readonly viaTurn?: boolean;
  readonly idleMs: number;
  readonly output: string;
}

/** Size of the line sent across each connection: big enough to stand out in TURN's relayed-byte counter. */
export const PAYLOAD_BYTES = 16_384;

/** Whether the SDK's strategy expects this pair to connect without TURN. */
export function directExpected(a: HostKind, b: HostKind): boolean | undefined {
  return expectDirect(natProfile(a), natProfile(b));
}

type Event = Record<string, unknown> & { event: string };

class PeerProcess {
  readonly events: Event[] = [];
  #log = "";
  readonly #waiters = new Set<() => void>();
  readonly #child: ChildProcess;
  #exited = false;

  constructor(lab: Lab, kind: HostKind, side: Side, meeting: string, signalingUrl: string) {
    const host = lab.host(kind, side);
    this.#child = lab.spawnIn(
      host.ns,
      [
        ...SWITCHBOARD,
        "peer",
        "--json",
        "--meeting",
        meeting,
        "--signaling-url",
        signalingUrl,
        "--node-id",
        `${kind}-${side}`,
      ],
      {},
      "pipe",
    );
    let partial = "";
    this.#child.stdout?.on("data", (d: Buffer) => {
      partial += d.toString();
      const lines = partial.split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        this.#log += `${side} out ${line}\n`;
        try {
          this.events.push(JSON.parse(line) as Event);
        } catch {
          // not an event line
        }
      }
      for (const w of this.#waiters) w();
    });
    this.#child.stderr?.on("data", (d: Buffer) => (this.#log += `${side} err ${d.toString()}`));
    this.#child.once("exit", () => {
      this.#exited = true;
      for (const w of this.#waiters) w();
    });
  }

  get log(): string {
    return this.#log;
  }

  /** The first event matching `pred`, or undefined after `ms` (or when the process ends). */
  waitFor(pred: (e: Event) => boolean, ms: number): Promise<Event | undefined> {
    return new Promise((resolve) => {
      const check = (): void => {
        const found = this.events.find(pred);
        if (found !== undefined || this.#exited) {
          clearTimeout(timer);
          this.#waiters.delete(check);
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        resolve(this.events.find(pred));
      }, ms);
      this.#waiters.add(check);
      check();
    });
  }

  send(line: string): void {
    this.#child.stdin?.write(`${line}\n`);
  }

  /** SIGTERM (the peer leaves the meeting), SIGKILL after 5 s. */
  async stop(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((resolve) => this.#child.once("exit", () => resolve()));
    this.#child.kill("SIGTERM");
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }
}

const isConnected = (e: Event): boolean => e.event === "connectionEstablished";
const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** Connects a peer behind `a` (side a) with one behind `b` (side b), then sends a line (after `idleMs`). */
export interface PairOptions {
  /** Wait this long after connecting before sending the line (keep-alive check). */
  readonly idleMs?: number;
  /** Signaling to use (default: the one that hands out TURN). */
  readonly signalingUrl?: string;
  /** How long both sides may take to report the connection (default 90 s). */
  readonly connectTimeoutMs?: number;
}

export async function connectPair(
  lab: Lab,
  a: HostKind,
  b: HostKind,
  opts: PairOptions = {},
): Promise<PairResult> {
  const idleMs = opts.idleMs ?? 0;
  const signalingUrl = opts.signalingUrl ?? SIGNALING_URL;
  const connectMs = opts.connectTimeoutMs ?? 90_000;
  const meeting = `natlab-${randomBytes(4).toString("hex")}`;
  const started = Date.now();
  const pa = new PeerProcess(lab, a, "a", meeting, signalingUrl);
  const pb = new PeerProcess(lab, b, "b", meeting, signalingUrl);
  try {
    const [ca, cb] = await Promise.all([
      pa.waitFor(isConnected, connectMs),
      pb.waitFor(isConnected, connectMs),
    ]);
    const wallMs = Date.now() - started;
    const base = {
      a,
      b,
      connected: ca !== undefined && cb !== undefined,
      ...(str(ca?.["method"]) !== undefined && { methodA: str(ca?.["method"]) }),
      ...(str(cb?.["method"]) !== undefined && { methodB: str(cb?.["method"]) }),
      ...(num(ca?.["setupMs"]) !== undefined && { setupMs: num(ca?.["setupMs"]) }),
      wallMs,
      idleMs,
    };
    if (!base.connected) return { ...base, delivered: false, output: pa.log + pb.log };
    if (idleMs > 0) await new Promise((r) => setTimeout(r, idleMs));
    const text = `hello-${randomBytes(4).toString("hex")}-`.padEnd(PAYLOAD_BYTES, "x");
    const before = await lab.turnRelayedBytes();
    pa.send(text);
    const got = await pb.waitFor((e) => e.event === "message" && e["data"] === text, 30_000);
    const relayedBytes = (await lab.turnRelayedBytes()) - before;
    return {
      ...base,
      delivered: got !== undefined,
      relayedBytes,
      viaTurn: relayedBytes >= PAYLOAD_BYTES,
      output: pa.log + pb.log,
    };
  } finally {
    await Promise.all([pa.stop(), pb.stop()]);
  }
}

/** Every unordered pair of kinds (same kinds included: their two hosts sit behind two routers). */
export function kindPairs(): Array<[HostKind, HostKind]> {
  const pairs: Array<[HostKind, HostKind]> = [];
  HOST_KINDS.forEach((a, i) => HOST_KINDS.slice(i).forEach((b) => pairs.push([a, b])));
  return pairs;
}

/** Runs every pair, one at a time (TURN's byte counter tells each pair's path only when nothing else runs). */
export async function measureMatrix(lab: Lab, concurrency = 1): Promise<PairResult[]> {
  const pairs = kindPairs();
  const results: PairResult[] = new Array<PairResult>(pairs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < pairs.length; i = next++) {
      const [a, b] = pairs[i];
      results[i] = await connectPair(lab, a, b);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

/** The pair hole punched with TURN offered: the payload did not go through our TURN server. */
export function holePunched(r: PairResult): boolean {
  return r.connected && r.delivered && r.viaTurn === false;
}

/** Relayed by our TURN server, measured (the SDK's reported method is shown beside it). */
const isRelay = (r: PairResult): boolean => r.viaTurn === true;

/** The matrix as Markdown: one cell per pair, "direct (srflx) 0.4 s" or "relay 0.6 s". */
export function matrixTable(results: readonly PairResult[]): string {
  const cell = (a: HostKind, b: HostKind): string => {
    const r = results.find((x) => (x.a === a && x.b === b) || (x.a === b && x.b === a));
    if (r === undefined) return "";
    if (!r.connected || !r.delivered) return "**failed**";
    const how = isRelay(r) ? "relay (TURN)" : "direct";
    const said = `SDK: ${r.methodA ?? "?"}/${r.methodB ?? "?"}`;
    return `${how}, ${r.setupMs === undefined ? "?" : `${(r.setupMs / 1000).toFixed(2)} s`} (${said})`;
  };
  const lines = [
    `| a \\ b | ${HOST_KINDS.join(" | ")} |`,
    `| --- | ${HOST_KINDS.map(() => "---").join(" | ")} |`,
    ...HOST_KINDS.map((a) => `| ${a} | ${HOST_KINDS.map((b) => cell(a, b)).join(" | ")} |`),
  ];
  return lines.join("\n");
}

export { isRelay };
