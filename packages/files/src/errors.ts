/** Every failure this package reports, each with a stable code. */
export type FilesErrorCode =
  | "manifest_invalid"
  | "manifest_mismatch"
  | "link_invalid"
  | "frame_malformed"
  | "frame_oversized"
  | "frame_version"
  | "frame_unknown_type"
  | "storage_failed"
  | "no_peers"
  | "aborted";

export class FilesError extends Error {
  readonly code: FilesErrorCode;
  constructor(code: FilesErrorCode, message: string) {
    super(message);
    this.name = "FilesError";
    this.code = code;
  }
}

/** A frame from a peer that cannot be accepted: the caller closes that peer's channel, nothing else. */
export class WireError extends FilesError {
  constructor(
    code: "frame_malformed" | "frame_oversized" | "frame_version" | "frame_unknown_type",
    message: string,
  ) {
    super(code, message);
    this.name = "WireError";
  }
}
