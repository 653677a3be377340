import { FileShare, formatShareLink, type FileSwarm } from "@switchboard/files";
import { NodeFileSource, manifestFromFile } from "@switchboard/files/node";
import type { SwitchboardClient } from "@switchboard/client";
import { EXIT, type Command } from "../command.js";
import { SHARE_USAGE, resolveShareConfig } from "../files/config.js";
import { formatBytes, joinWithShare, leave } from "../files/session.js";
import { startCommand } from "../start.js";

/** `switchboard share FILE…`: hash, join, print the links, seed until stopped. */
export const run: Command = async (args, io) => {
  const started = startCommand("share", SHARE_USAGE, resolveShareConfig, args, io);
  if (typeof started === "number") return started;
  const { config, out } = started;
  const share = new FileShare(config.uploadLimit ? { uploadBytesPerSecond: config.uploadLimit } : {});
  let client: SwitchboardClient | undefined;
  const swarms: FileSwarm[] = [];
  let timer: ReturnType<typeof setInterval> | undefined;
  try {
    for (const path of config.files) {
      if (io.signal.aborted) return EXIT.failure;
      out.note(`hashing ${path}…`);
      const manifest = await manifestFromFile(path);
      const swarm = share.seed(manifest, await NodeFileSource.open(path, manifest));
      swarms.push(swarm);
      const link = formatShareLink({
        origin: config.origin,
        root: manifest.root,
        meeting: config.meetingCode,
        signalingUrl: config.signalingUrl,
      });
      out.event(
        "shared",
        {
          name: manifest.name,
          size: manifest.size,
          root: swarm.rootHex,
          pieces: manifest.pieceHashes.length,
          link,
        },
        `${manifest.name} (${formatBytes(manifest.size)}): ${link}`,
      );
    }
    client = await joinWithShare(config, share, out);
    out.event(
      "seeding",
      { meeting: config.meetingCode },
      out.style("gray", `seeding in meeting ${config.meetingCode}; Ctrl-C stops`),
    );
    timer = setInterval(() => {
      for (const s of swarms) {
        const p = s.progress.get();
        out.event(
          "progress",
          {
            root: p.root,
            name: p.name,
            bytesUploaded: p.bytesUploaded,
            uploadRate: Math.round(p.uploadRate),
            peers: p.peers.map((x) => ({
              peerId: x.peerId,
              bytesSent: x.bytesSent,
              bytesReceived: x.bytesReceived,
            })),
          },
          null,
        );
      }
    }, 1000);
    await new Promise<void>((resolve) => {
      if (io.signal.aborted) resolve();
      io.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    return EXIT.ok;
  } catch (err) {
    io.stderr.write(`switchboard share: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.failure;
  } finally {
    if (timer) clearInterval(timer);
    for (const s of swarms) {
      const p = s.progress.get();
      out.event("served", { root: p.root, name: p.name, bytesUploaded: p.bytesUploaded }, null);
    }
    await share.close();
    await leave(client);
  }
};
