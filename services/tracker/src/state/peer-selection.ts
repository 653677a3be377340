/**
 * Which peers an announce gets back: up to `numwant` of the announcing peer's kind, never itself, copied out of the
 * arenas' address columns a run at a time from a random start (so every peer gets handed out in turn).
 */
import { randomInt } from "node:crypto";
import type { SelectedPeers } from "@switchboard/protocol";
import type { PeerArena } from "./peer-arena.js";
import type { PeerIdTable } from "./peer-id-table.js";
import type { Swarm } from "./swarm.js";
import { EMPTY_PEERS, type PeerKind, type PeerSelection } from "./swarm-store.js";

/** xorshift32 state for start offsets (spread, not secrecy, is what they need), seeded from the system's CSPRNG. */
let state = randomInt(1, 0x7fffffff);

/** A pseudo-random integer in [0, n). */
export function randomBelow(n: number): number {
  let x = state;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  state = x;
  return Math.floor(((x >>> 0) * n) / 0x1_0000_0000);
}

const randomStart = (n: number): number => (n > 1 ? randomBelow(n) : 0);

/**
 * Copies up to `want` records of `arena` from `start` (wrapping, skipping `self`) into `compact` from byte
 * `compactAt` (and their ids into `idsOut`) from record `at` on: contiguous runs of the address column (up to a
 * page end) are copied whole. The caller asks for no more than the arena has besides `self`.
 */
function takeRun(
  arena: PeerArena,
  ids: PeerIdTable,
  start: number,
  want: number,
  self: number,
  compact: Uint8Array | undefined,
  idsOut: Uint8Array | undefined,
  at: number,
  compactAt: number,
): number {
  const n = arena.count;
  const w = arena.addrLength;
  let k = 0;
  let j = start;
  while (k < want) {
    if (j >= n) j = 0;
    if (j === self) {
      j++;
      continue;
    }
    let end = Math.min(n, arena.runEnd(j));
    if (self > j && self < end) end = self;
    const take = Math.min(end - j, want - k);
    if (compact) arena.copyAddresses(j, take, compact, compactAt + (at + k) * w);
    if (idsOut) for (let t = 0; t < take; t++) ids.copyId(arena.ref(j + t), idsOut, (at + k + t) * 20);
    k += take;
    j += take;
  }
  return k;
}

/** Peers of one arena on offer to the announcing peer (itself left out). */
function available(swarm: Swarm, n: number, selfArena: number, self: number): number {
  const a = swarm.existing(n);
  if (a === undefined) return 0;
  return a.count - (n === selfArena && self >= 0 ? 1 : 0);
}

const EMPTY = new Uint8Array(0);

/** The announcing peer's record: its arena and slot. */
export interface SelectionOrigin {
  arena: number;
  slot: number;
}

/**
 * Up to `numwant` peers of the same kind as the announcing one, never itself, starting from a random slot
 * so every peer gets handed out in turn; with both families, each gets its share of `numwant`.
 */
export function selectPeers(
  swarm: Swarm,
  ids: PeerIdTable,
  origin: SelectionOrigin,
  select: PeerSelection,
  kind: PeerKind,
): SelectedPeers {
  const { arena: selfArena, slot: self } = origin;
  const wantWs = kind === "ws";
  const base = wantWs ? 2 : 0;
  const have4 = select.family === "v6" ? 0 : available(swarm, base, selfArena, self);
  const have6 = select.family === "v4" ? 0 : available(swarm, base + 1, selfArena, self);
  const want = Math.min(select.numwant, have4 + have6);
  if (want <= 0) return EMPTY_PEERS;
  // Each family's share, in proportion to what it has.
  const want4 = have6 === 0 ? want : Math.min(have4, Math.round((want * have4) / (have4 + have6)));
  const want6 = Math.min(have6, want - want4);
  if (wantWs) {
    const out = Buffer.allocUnsafe((want4 + want6) * 20);
    let got = 0;
    for (const [n, w] of [
      [base, want4],
      [base + 1, want6],
    ] as const) {
      const a = swarm.existing(n);
      if (a === undefined || w === 0) continue;
      got += takeRun(a, ids, randomStart(a.count), w, n === selfArena ? self : -1, undefined, out, got, 0);
    }
    return { ...EMPTY_PEERS, wsPeerIds: out.subarray(0, got * 20) };
  }
  const a4 = swarm.existing(0);
  const a6 = swarm.existing(1);
  const into = select.into;
  if (into !== undefined && !select.withIds && (want4 === 0 || want6 === 0)) {
    // One family: written straight into the caller's buffer when it fits.
    const at = into.at;
    const bytes = (want4 + want6) * (want4 > 0 ? 6 : 18);
    if (at + bytes <= into.end && into.end <= into.bytes.length) {
      const n = want4 > 0 ? 0 : 1;
      const a = n === 0 ? a4 : a6;
      if (a)
        takeRun(
          a,
          ids,
          randomStart(a.count),
          want4 + want6,
          n === selfArena ? self : -1,
          into.bytes,
          undefined,
          0,
          at,
        );
      into.written = bytes;
      return EMPTY_PEERS;
    }
  }
  // takeRun always fills what it is asked for (want4 ≤ have4, want6 ≤ have6): no trimming afterwards.
  const c4 = want4 > 0 ? Buffer.allocUnsafe(want4 * 6) : EMPTY;
  const c6 = want6 > 0 ? Buffer.allocUnsafe(want6 * 18) : EMPTY;
  const i4 = select.withIds ? Buffer.allocUnsafe(want4 * 20) : undefined;
  const i6 = select.withIds ? Buffer.allocUnsafe(want6 * 20) : undefined;
  if (a4 && want4 > 0)
    takeRun(a4, ids, randomStart(a4.count), want4, selfArena === 0 ? self : -1, c4, i4, 0, 0);
  if (a6 && want6 > 0)
    takeRun(a6, ids, randomStart(a6.count), want6, selfArena === 1 ? self : -1, c6, i6, 0, 0);
  return { compact4: c4, compact6: c6, ids4: i4, ids6: i6, wsPeerIds: EMPTY };
}
