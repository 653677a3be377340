import type { StunAddresses } from "../server.js";

/** Messages between the primary and its STUN workers over the cluster IPC channel. */
export type WorkerMessage =
  | { readonly type: "stun:listening"; readonly addresses: StunAddresses; readonly udpIo?: string }
  | { readonly type: "stun:failed"; readonly message: string }
  | { readonly type: "stun:metrics"; readonly id: number; readonly metrics: readonly object[] };

export type PrimaryMessage = { readonly type: "stun:collect"; readonly id: number };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/** Narrows what a worker sent; anything else is ignored by the primary. */
export function parseWorkerMessage(raw: unknown): WorkerMessage | undefined {
  if (!isRecord(raw)) return undefined;
  switch (raw["type"]) {
    case "stun:listening":
      return isRecord(raw["addresses"]) ? (raw as WorkerMessage) : undefined;
    case "stun:failed":
      return typeof raw["message"] === "string" ? (raw as WorkerMessage) : undefined;
    case "stun:metrics":
      return typeof raw["id"] === "number" && Array.isArray(raw["metrics"])
        ? (raw as WorkerMessage)
        : undefined;
    default:
      return undefined;
  }
}

/** Narrows what the primary sent to a worker. */
export function parsePrimaryMessage(raw: unknown): PrimaryMessage | undefined {
  return isRecord(raw) && raw["type"] === "stun:collect" && typeof raw["id"] === "number"
    ? (raw as PrimaryMessage)
    : undefined;
}
