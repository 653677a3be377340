import type { IceServer } from "@switchboard/protocol";

/** The ICE servers a connection uses: those from `welcome`, then the user's own. */
export function iceServerList(
  fromWelcome: readonly IceServer[] | undefined,
  extra: readonly RTCIceServer[] | undefined,
): RTCIceServer[] {
  return [...(fromWelcome ?? []), ...(extra ?? [])];
}

export function iceUrls(servers: readonly RTCIceServer[]): string[] {
  return servers.flatMap((s) => (Array.isArray(s.urls) ? s.urls : [s.urls]));
}

export function hasTurn(servers: readonly RTCIceServer[]): boolean {
  return iceUrls(servers).some((u) => /^turns?:/.test(u));
}

/** The servers without their TURN URLs (STUN only): a connection that can only go direct. */
export function withoutTurn(servers: readonly RTCIceServer[]): RTCIceServer[] {
  return servers.flatMap((s) => {
    const urls = (Array.isArray(s.urls) ? s.urls : [s.urls]).filter((u) => !/^turns?:/.test(u));
    return urls.length > 0 ? [{ urls }] : [];
  });
}
