import { mkdir } from "node:fs/promises";
import { SingleBar, Presets } from "cli-progress";
import { FileShare, type FileProgress } from "@switchboard/files";
import { NodeFileStore, nodeSha256 } from "@switchboard/files/node";
import type { SwitchboardClient } from "@switchboard/client";
import { EXIT, type Command } from "../command.js";
import { GET_USAGE, resolveGetConfig } from "../files/config.js";
import { findOffer, listOffers } from "../files/catalogue.js";
import { formatBytes, joinWithShare, leave } from "../files/session.js";
import { startCommand } from "../start.js";

const summary = (p: FileProgress) => ({
  root: p.root,
  name: p.name,
  size: p.size,
  piecesVerified: p.piecesVerified,
  pieceCount: p.pieceCount,
  bytesVerified: p.bytesVerified,
  bytesReceived: p.bytesReceived,
  badPieces: p.badPieces,
  downloadRate: Math.round(p.downloadRate),
  etaSeconds: p.etaSeconds,
  peers: p.peers.map((x) => ({
    peerId: x.peerId,
    bytesReceived: x.bytesReceived,
    piecesContributed: x.piecesContributed,
    badPieces: x.badPieces,
    banned: x.banned,
  })),
});

/** `switchboard get LINK`: download with a progress bar; exit 0 only when every piece is verified. */
export const run: Command = async (args, io) => {
  const started = startCommand("get", GET_USAGE, resolveGetConfig, args, io);
  if (typeof started === "number") return started;
  const { config, out } = started;
  await mkdir(config.outDir, { recursive: true });
  // Pieces are verified with node:crypto on this thread: on a loaded machine handing each piece to a worker
  // (a copy and two messages) cost more CPU than hashing it here (bench/files, 2026-12-07).
  const share = new FileShare({ hashPiece: nodeSha256 });
  let client: SwitchboardClient | undefined;
  let root = config.root;
  if (root === null) {
    // No link: browse the meeting's catalogue (list it, or find the file by name).
    try {
      client = await joinWithShare(config, share, out);
      if (config.name === undefined) {
        await listOffers(share, config, out, io.signal);
        return EXIT.ok;
      }
      root = await findOffer(share, config.name, io.signal);
    } catch (err) {
      io.stderr.write(`switchboard get: ${err instanceof Error ? err.message : String(err)}\n`);
      if (config.name !== undefined) {
        await share.close();
        await leave(client);
      }
      return EXIT.failure;
    } finally {
      if (config.name === undefined) {
        await share.close();
        await leave(client);
      }
    }
  }
  const swarm = share.download(root, (m) => NodeFileStore.open(config.outDir, m));
  const bar = config.json
    ? null
    : new SingleBar(
        {
          format:
            "{name} |{bar}| {percentage}% {done}/{total} · {speed}/s · ETA {eta_formatted} · peers {peers}",
          stream: io.stderr,
          hideCursor: true,
          etaBuffer: 20,
        },
        Presets.shades_classic,
      );
  swarm.events.on("manifest", (m) => {
    out.event(
      "manifest",
      { name: m.name, size: m.size, pieces: m.pieceHashes.length, mediaType: m.mediaType },
      null,
    );
    bar?.start(m.size, swarm.store?.verified.count ? swarm.progress.get().bytesVerified : 0, {
      name: m.name,
      done: "",
      total: formatBytes(m.size),
      speed: "0 B",
      peers: 0,
    });
  });
  swarm.events.on("piece-failed", ({ piece, from }) => {
    out.event("pieceFailed", { piece, from }, null);
    out.warn(`piece ${piece} failed its SHA-256 check (from ${from.join(", ")}): fetching it again`);
  });
  swarm.events.on("peer-banned", ({ peerId, badPieces }) => {
    out.event("peerBanned", { peerId, badPieces }, null);
    out.warn(`dropped peer ${peerId} for this file after ${badPieces} bad pieces`);
  });
  const timer = setInterval(() => {
    const p = swarm.progress.get();
    if (!p.size) return;
    out.event("progress", summary(p), null);
    bar?.update(p.bytesVerified, {
      done: formatBytes(p.bytesVerified),
      speed: formatBytes(p.downloadRate),
      peers: p.peers.filter((x) => !x.banned).length,
    });
  }, 500);

  try {
    const done = new Promise<FileProgress>((resolve, reject) => {
      swarm.whenComplete().then(resolve, reject);
      io.signal.addEventListener("abort", () => reject(new Error("stopped before the download completed")), {
        once: true,
      });
    });
    client ??= await joinWithShare(config, share, out);
    const p = await done;
    clearInterval(timer);
    bar?.update(p.bytesVerified, { done: formatBytes(p.bytesVerified) });
    bar?.stop();
    if (!swarm.store?.verified.complete) throw new Error("not every piece is verified");
    out.event(
      "complete",
      summary(p),
      `saved ${config.outDir}/${p.name} (${formatBytes(p.size ?? 0)}, every piece verified)`,
    );
    return EXIT.ok;
  } catch (err) {
    bar?.stop();
    io.stderr.write(`switchboard get: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.failure;
  } finally {
    clearInterval(timer);
    await share.close();
    await leave(client);
  }
};
