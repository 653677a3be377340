// The WebTorrent side of bench/files: the `webtorrent` package (installed into bench/.peers/webtorrent by
// bench/files/install-webtorrent.sh) moving one file between two Node processes on loopback. WebTorrent in Node
// talks BitTorrent over TCP (uTP, DHT, trackers, local discovery, UPnP/NAT-PMP all off here: loopback only).
//   webtorrent-peer.mjs seed FILE TORRENT_OUT      hashes FILE, writes the .torrent, prints {"event":"seeding","port"}
//   webtorrent-peer.mjs get TORRENT PORT OUT_DIR   downloads from 127.0.0.1:PORT, prints {"event":"done","ms"} where
//                                                  ms runs from the first peer connection to the last verified piece
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const lib = fileURLToPath(new URL("../.peers/webtorrent/node_modules/webtorrent/index.js", import.meta.url));
const { default: WebTorrent } = await import(lib);
const say = (event, fields = {}) => process.stdout.write(JSON.stringify({ event, ...fields }) + "\n");
const client = new WebTorrent({
  dht: false,
  tracker: false,
  lsd: false,
  utp: false,
  natUpnp: false,
  natPmp: false,
  webSeeds: false,
});
client.on("error", (e) => {
  say("error", { message: String(e?.message ?? e) });
  process.exit(1);
});

const [role, a, b, c] = process.argv.slice(2);
if (role === "seed") {
  client.seed(a, { announce: [], private: true }, async (torrent) => {
    await writeFile(b, torrent.torrentFile);
    say("seeding", { port: client.address().port, pieceLength: torrent.pieceLength });
  });
} else if (role === "get") {
  const torrent = client.add(await readFile(a), { path: c, announce: [] });
  let t0 = 0;
  torrent.on("wire", () => {
    if (!t0) t0 = performance.now();
  });
  torrent.on("ready", () => torrent.addPeer(`127.0.0.1:${b}`));
  torrent.on("done", () => {
    say("done", { ms: performance.now() - t0, bytes: torrent.length });
    client.destroy(() => process.exit(0));
  });
} else {
  throw new Error("usage: webtorrent-peer.mjs seed FILE TORRENT_OUT | get TORRENT PORT OUT_DIR");
}
