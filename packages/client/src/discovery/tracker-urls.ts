/** Checks tracker URLs: ws:// or wss:// only (the offer relay exists on WebSocket trackers alone). */
export function checkTrackerUrls(urls: readonly string[]): string[] {
  if (urls.length === 0)
    throw new RangeError("discovery 'tracker' needs at least one tracker URL (ws://…/announce)");
  return urls.map((u) => {
    let parsed: URL;
    try {
      parsed = new URL(u);
    } catch {
      throw new RangeError(`"${u}" is not a URL`);
    }
    if (parsed.protocol !== "ws:" && parsed.protocol !== "wss:")
      throw new RangeError(`tracker "${u}": only ws:// and wss:// trackers relay offers`);
    return u;
  });
}
