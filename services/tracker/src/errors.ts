import { TRACKER_FAILURES, type TrackerFailureCode } from "@switchboard/protocol";

/** A refused request: every transport turns it into its own failure reply (never a crash). */
export class TrackerRefusal extends Error {
  readonly code: TrackerFailureCode;
  constructor(code: TrackerFailureCode, detail?: string) {
    super(detail === undefined ? TRACKER_FAILURES[code] : `${TRACKER_FAILURES[code]}: ${detail}`);
    this.name = "TrackerRefusal";
    this.code = code;
  }
  /** The BEP 3 `failure reason` text. */
  get reason(): string {
    return this.message;
  }
}

/** Thrown by a transport's parser on malformed input. */
export const refuse = (code: TrackerFailureCode, detail?: string): never => {
  throw new TrackerRefusal(code, detail);
};
