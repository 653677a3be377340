import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "@switchboard/runtime";
import type { TrackerCore } from "../../core/tracker-core.js";
import { TrackerRefusal } from "../../errors.js";
import type { TrackerMetrics } from "../../metrics.js";
import { encodeAnnounceReply, encodeFailure, encodeScrapeReply } from "./bencode-replies.js";
import { parseHttpAnnounce, parseHttpScrape } from "./parse-request.js";

/** Longest request target accepted (a BEP 48 scrape of many hashes is the longest legitimate one). */
export const MAX_URL_LENGTH = 64 * 1024;

/** `/announce`, `/scrape` or `/<passkey>/announce`, `/<passkey>/scrape`. */
export function routeTrackerPath(
  path: string,
): { action: "announce" | "scrape"; passkey: string | undefined } | undefined {
  const m = /^\/(?:([A-Za-z0-9_-]{1,64})\/)?(announce|scrape)(?:\.php)?$/.exec(path);
  if (!m) return undefined;
  return { action: m[2] === "scrape" ? "scrape" : "announce", passkey: m[1] };
}

export interface HttpTrackerOptions {
  core: TrackerCore;
  metrics: TrackerMetrics;
  logger: Logger;
}

/**
 * Serves HTTP announces and scrapes straight on node:http (the hot path); returns false for any other path so
 * the admin routes (fastify) handle it.
 */
export function createHttpTrackerHandler(
  opts: HttpTrackerOptions,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { core, metrics, logger } = opts;
  const send = (res: ServerResponse, body: Uint8Array): void => {
    res.writeHead(200, {
      "content-type": "text/plain",
      "content-length": body.length,
      "cache-control": "no-store",
    });
    res.end(body);
  };
  return (req, res) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const route = routeTrackerPath(q < 0 ? url : url.slice(0, q));
    if (route === undefined) return false;
    if (req.method !== "GET" || url.length > MAX_URL_LENGTH) {
      res.writeHead(req.method === "GET" ? 414 : 405).end();
      return true;
    }
    const query = q < 0 ? "" : url.slice(q + 1);
    const address = req.socket.remoteAddress ?? "";
    const fail = (err: unknown): void => {
      if (err instanceof TrackerRefusal) {
        if (err.code.startsWith("INVALID")) metrics.malformed.inc({ transport: "http" });
        logger.debug({ code: err.code }, "http request refused");
        send(res, encodeFailure(err.reason, err.code === "RATE_LIMITED" ? core.intervalSeconds : undefined));
        return;
      }
      logger.error({ err }, "http request failed");
      send(res, encodeFailure("internal error"));
    };
    try {
      if (route.action === "announce") {
        const request = parseHttpAnnounce(query, address, route.passkey);
        core
          .announce(request)
          .then((result) => send(res, encodeAnnounceReply(result, request.compact)), fail);
      } else {
        core
          .scrape(parseHttpScrape(query, address, route.passkey))
          .then((r) => send(res, encodeScrapeReply(r)), fail);
      }
    } catch (err) {
      if (err instanceof TrackerRefusal) metrics.refusals.inc({ transport: "http", code: err.code });
      fail(err);
    }
    return true;
  };
}
