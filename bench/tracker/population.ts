/** The benchmark's swarm population: TORRENTS × PEERS distinct (torrent, peer) pairs, walked round-robin. */
export const TORRENTS = 1000;
export const PEERS = 1000;

const hashes = Array.from({ length: TORRENTS }, (_, i) => {
  const b = Buffer.alloc(20);
  b.write("bench-torrent-", 0, "latin1");
  b.writeUInt32BE(i, 16);
  return b;
});

export const infoHash = (t: number): Buffer => hashes[t];

/** Peer ids and ports are distinct per peer index (opentracker keys peers by address and port). */
export function peerId(p: number): Buffer {
  const b = Buffer.alloc(20);
  b.write("-BN0001-", 0, "latin1");
  b.writeUInt32BE(p, 16);
  return b;
}
export const peerPort = (p: number): number => 10_000 + p;
export const peerLeft = (p: number): number => (p % 2 === 0 ? 0 : 1_000_000);

/** The k-th request announces torrent k mod TORRENTS, peer ⌊k / TORRENTS⌋ mod PEERS. */
export const pairOf = (k: number): [number, number] => [k % TORRENTS, Math.floor(k / TORRENTS) % PEERS];

export const hexList = (): string => hashes.map((h) => h.toString("hex")).join("\n") + "\n";
