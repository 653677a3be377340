import type { ConnectionInfo } from "../events.js";
import type { Outgoing } from "../signaling/session.js";

/** The `report` a client sends when a connection comes up (signaling turns these into metrics). */
export function establishedReport(info: ConnectionInfo, iceRestart: boolean): Outgoing {
  return {
    type: "report",
    outcome: "connected",
    method: info.method,
    setupMs: Math.round(info.setupMs),
    iceRestart,
  };
}

/** The `report` for a connection that failed: the reason as a short kebab-case token. */
export function failedReport(reason: string, setupMs: number | undefined): Outgoing {
  return {
    type: "report",
    outcome: "failed",
    setupMs: Math.round(setupMs ?? 0),
    reason: reason.replaceAll("_", "-").slice(0, 32),
  };
}
