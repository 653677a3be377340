import type { Logger } from "@switchboard/runtime";
import type { TrackerCore } from "../../core/tracker-core.js";
import { TrackerRefusal } from "../../errors.js";
import type { TrackerMetrics } from "../../metrics.js";
import { encodeAnnounceReply, encodeFailure, encodeScrapeReply } from "./bencode-replies.js";
import { parseHttpAnnounce, parseHttpScrape } from "./parse-request.js";

/** Longest request target accepted (a BEP 48 scrape of many hashes is the longest legitimate one). */
export const MAX_URL_LENGTH = 16 * 1024;

const TRACKER_PATH = /^\/(?:([A-Za-z0-9_-]{1,64})\/)?(announce|scrape)(?:\.php)?$/;

/** `/announce`, `/scrape` or `/<passkey>/announce`, `/<passkey>/scrape`. */
export function routeTrackerPath(
  path: string,
): { action: "announce" | "scrape"; passkey: string | undefined } | undefined {
  const m = TRACKER_PATH.exec(path);
  if (!m) return undefined;
  return { action: m[2] === "scrape" ? "scrape" : "announce", passkey: m[1] };
}

export interface HttpTrackerOptions {
  core: TrackerCore;
  metrics: TrackerMetrics;
  logger: Logger;
}

/**
 * A tracker request target (`/announce?…`) → the bencoded body to send with status 200 (refusals included, as
 * BEP 3 `failure reason`); undefined when the path is not a tracker path.
 */
export type TrackerRequestHandler = (target: string, address: string) => Promise<Uint8Array> | undefined;

export function createTrackerRequestHandler(opts: HttpTrackerOptions): TrackerRequestHandler {
  const { core, metrics, logger } = opts;
  const fail = (err: unknown): Uint8Array => {
    if (err instanceof TrackerRefusal) {
      if (err.code.startsWith("INVALID")) metrics.malformed.inc({ transport: "http" });
      logger.debug({ code: err.code }, "http request refused");
      return encodeFailure(err.reason, err.code === "RATE_LIMITED" ? core.intervalSeconds : undefined);
    }
    logger.error({ err }, "http request failed");
    return encodeFailure("internal error");
  };
  return (target, address) => {
    const q = target.indexOf("?");
    const route = routeTrackerPath(q < 0 ? target : target.slice(0, q));
    if (route === undefined) return undefined;
    const query = q < 0 ? "" : target.slice(q + 1);
    try {
      if (route.action === "announce") {
        const request = parseHttpAnnounce(query, address, route.passkey);
        return core.announce(request).then((result) => encodeAnnounceReply(result, request.compact), fail);
      }
      return core.scrape(parseHttpScrape(query, address, route.passkey)).then(encodeScrapeReply, fail);
    } catch (err) {
      if (err instanceof TrackerRefusal) metrics.refusals.inc({ transport: "http", code: err.code });
      return Promise.resolve(fail(err));
    }
  };
}
