// Hash routes, so the static build works behind any web server without rewrites:
//   #/                      Start
//   #/m/CODE[?relay=1]      Meeting CODE (relay=1: every connection through the platform's TURN)
//   #/files[/ROOT]?meeting=CODE   Files (a share link names ROOT; @switchboard/files makes these links)
//   #/network               Network
import { readable, type Readable } from "svelte/store";

export type Route =
  | { view: "start" }
  | { view: "meeting"; code: string; relay?: boolean }
  | { view: "files"; root?: string; meeting?: string }
  | { view: "network" };

/** Parses a location hash (with or without the leading '#'). Unknown paths go to Start. */
export function parseRoute(hash: string): Route {
  const raw = hash.startsWith("#") ? hash.slice(1) : hash;
  const [path = "", query = ""] = raw.split("?", 2);
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query);
  if (parts[0] === "m" && parts[1])
    return { view: "meeting", code: parts[1], ...(params.get("relay") === "1" ? { relay: true } : {}) };
  if (parts[0] === "files") {
    const meeting = params.get("meeting") ?? undefined;
    return { view: "files", ...(parts[1] ? { root: parts[1] } : {}), ...(meeting ? { meeting } : {}) };
  }
  if (parts[0] === "network") return { view: "network" };
  return { view: "start" };
}

/** The hash for a route (the inverse of parseRoute). */
export function routeHash(route: Route): string {
  switch (route.view) {
    case "start":
      return "#/";
    case "meeting":
      return `#/m/${encodeURIComponent(route.code)}${route.relay ? "?relay=1" : ""}`;
    case "files": {
      const base = route.root ? `#/files/${encodeURIComponent(route.root)}` : "#/files";
      return route.meeting ? `${base}?meeting=${encodeURIComponent(route.meeting)}` : base;
    }
    case "network":
      return "#/network";
  }
}

export function navigate(route: Route): void {
  location.hash = routeHash(route);
}

/** The current route, updated on every hashchange. */
export const route: Readable<Route> = readable(parseRoute(globalThis.location?.hash ?? ""), (set) => {
  const update = (): void => set(parseRoute(location.hash));
  addEventListener("hashchange", update);
  return () => removeEventListener("hashchange", update);
});
