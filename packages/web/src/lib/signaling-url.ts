/**
 * Where the page finds the services: the same origin it was served from (nginx and `npm start` put `/ws` and
 * `/api` beside the app), over wss on https.
 */
export interface PageLocation {
  readonly protocol: string;
  readonly host: string;
}

/** `ws://host/ws`, or `wss://host/ws` on an https page. */
export function signalingUrlFor(loc: PageLocation): string {
  return `${loc.protocol === "https:" ? "wss" : "ws"}://${loc.host}/ws`;
}

/** The meetings REST API's base on the same origin. */
export function apiBaseFor(loc: PageLocation): string {
  return `${loc.protocol}//${loc.host}/api`;
}

/** The link that opens a meeting in this app (what people share). */
export function meetingLinkFor(loc: PageLocation & { readonly pathname: string }, code: string): string {
  return `${loc.protocol}//${loc.host}${loc.pathname}#/m/${encodeURIComponent(code)}`;
}
