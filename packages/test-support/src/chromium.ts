/** Headless Chromium (Debian's) for WebRTC interop tests: launch options shared by every browser suite. */

/** Debian's Chromium, used with playwright-core's `chromium.launch`. */
export const CHROMIUM_EXECUTABLE = "/usr/bin/chromium";

/** Flags every WebRTC suite passes: loopback candidates allowed and not hidden behind mDNS, no background noise. */
export const CHROMIUM_WEBRTC_ARGS: readonly string[] = [
  "--allow-loopback-in-peer-connection",
  "--use-fake-ui-for-media-stream",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-features=WebRtcHideLocalIpsWithMdns",
];

export interface ChromiumOptions {
  /** Adds `--use-fake-device-for-media-stream` (a fake camera and microphone). */
  readonly fakeMediaDevices?: boolean;
}

/** Options for playwright-core's `chromium.launch()`. */
export function chromiumLaunchOptions(opts: ChromiumOptions = {}): {
  executablePath: string;
  args: string[];
} {
  const args = [...CHROMIUM_WEBRTC_ARGS];
  if (opts.fakeMediaDevices) args.splice(2, 0, "--use-fake-device-for-media-stream");
  return { executablePath: CHROMIUM_EXECUTABLE, args };
}
