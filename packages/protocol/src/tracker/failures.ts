/**
 * Why a tracker refuses a request. Each code has one human-readable `failure reason` (BEP 3) that every
 * transport sends back: the HTTP `failure reason` key, the BEP 15 error message, the WebSocket `failure reason`.
 */
export const TRACKER_FAILURES = {
  INVALID_INFO_HASH: "invalid info_hash",
  INVALID_PEER_ID: "invalid peer_id",
  INVALID_PORT: "invalid port",
  INVALID_PARAMETER: "invalid parameter",
  INVALID_EVENT: "invalid event",
  UNKNOWN_ACTION: "unknown action",
  TORRENT_NOT_ALLOWED: "torrent not allowed",
  PASSKEY_REQUIRED: "passkey required",
  PASSKEY_INVALID: "invalid passkey",
  KEY_MISMATCH: "peer id already in use with another key",
  PEER_ID_IN_USE: "peer id in use by another connection",
  PEER_ID_CROWDED: "peer id already announced from too many addresses",
  RATE_LIMITED: "too many announces, slow down",
  SCRAPE_ALL_DISABLED: "scrape of all torrents is disabled",
  TOO_MANY_INFO_HASHES: "too many info_hash values in one scrape",
  TOO_MANY_OFFERS: "too many offers",
  NOT_FOUND: "not found",
  UNAVAILABLE: "tracker temporarily unavailable",
} as const;

export type TrackerFailureCode = keyof typeof TRACKER_FAILURES;
