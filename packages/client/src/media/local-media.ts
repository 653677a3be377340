import type { PeerState } from "@switchboard/protocol";
import { SwitchboardError } from "../errors.js";

/** What the media store shows. */
export interface MediaState {
  readonly stream: MediaStream | null;
  readonly screen: MediaStream | null;
  readonly state: PeerState;
}

/**
 * Local camera, microphone and screen (browsers only): mute/unmute, device switch with `replaceTrack` (no
 * renegotiation), screen share. `onChange` gets the new state (the facade sends it with `update`).
 */
export class LocalMedia {
  #stream: MediaStream | null = null;
  #screen: MediaStream | null = null;
  readonly #senders: () => RTCRtpSender[];
  readonly #onChange: (m: MediaState) => void;

  constructor(opts: { senders: () => RTCRtpSender[]; onChange: (m: MediaState) => void }) {
    this.#senders = opts.senders;
    this.#onChange = opts.onChange;
  }

  get state(): MediaState {
    const on = (kind: "audio" | "video") =>
      (this.#stream?.getTracks() ?? []).some((t) => t.kind === kind && t.enabled && t.readyState === "live");
    return {
      stream: this.#stream,
      screen: this.#screen,
      state: { audio: on("audio"), video: on("video"), screen: this.#screen !== null },
    };
  }

  get tracks(): MediaStreamTrack[] {
    return [...(this.#stream?.getTracks() ?? []), ...(this.#screen?.getTracks() ?? [])];
  }

  /** Opens camera and/or microphone; a refusal becomes `permission_denied` ("camera permission denied"). */
  async start(constraints: MediaStreamConstraints = { audio: true, video: true }): Promise<MediaStream> {
    const md = globalThis.navigator?.mediaDevices;
    if (!md)
      throw new SwitchboardError("permission_denied", "no media devices here (not a browser or not https)");
    try {
      this.#stream = await md.getUserMedia(constraints);
    } catch (err) {
      const name = (err as { name?: string }).name;
      throw new SwitchboardError(
        name === "NotAllowedError" ? "permission_denied" : "invalid_argument",
        String(err),
        { cause: err },
      );
    }
    this.#changed();
    return this.#stream;
  }

  setMuted(kind: "audio" | "video", muted: boolean): void {
    for (const t of this.#stream?.getTracks() ?? []) if (t.kind === kind) t.enabled = !muted;
    this.#changed();
  }

  /** Switches to another camera or microphone on every connection, without renegotiation. */
  async switchDevice(kind: "audio" | "video", deviceId: string): Promise<void> {
    const md = globalThis.navigator?.mediaDevices;
    if (!md || !this.#stream) throw new SwitchboardError("invalid_argument", "start media first");
    const fresh = await md.getUserMedia({ [kind]: { deviceId: { exact: deviceId } } });
    const track = fresh.getTracks()[0];
    if (!track) return;
    const old = this.#stream.getTracks().find((t) => t.kind === kind);
    for (const s of this.#senders()) if (s.track && s.track === old) await s.replaceTrack(track);
    if (old) {
      this.#stream.removeTrack(old);
      old.stop();
    }
    this.#stream.addTrack(track);
    this.#changed();
  }

  async startScreenShare(): Promise<MediaStream> {
    const md = globalThis.navigator?.mediaDevices;
    if (!md?.getDisplayMedia)
      throw new SwitchboardError("invalid_argument", "screen sharing is not available");
    this.#screen = await md.getDisplayMedia({ video: true });
    for (const t of this.#screen.getTracks()) t.addEventListener("ended", () => this.stopScreenShare());
    this.#changed();
    return this.#screen;
  }

  stopScreenShare(): void {
    for (const t of this.#screen?.getTracks() ?? []) t.stop();
    this.#screen = null;
    this.#changed();
  }

  stop(): void {
    for (const t of this.tracks) t.stop();
    this.#stream = null;
    this.#screen = null;
    this.#changed();
  }

  #changed(): void {
    this.#onChange(this.state);
  }
}
