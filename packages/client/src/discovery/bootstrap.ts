/** Checks DHT bootstrap entries, "host:port" (the --dht-bootstrap / DHT_BOOTSTRAP format); throws a RangeError. */
export function parseBootstrap(entries: readonly string[]): string[] {
  return entries.map((e) => {
    const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(e.trim());
    const port = Number(m?.[2]);
    if (!m || port < 1 || port > 65535) throw new RangeError(`"${e}" is not HOST:PORT`);
    return e.trim();
  });
}
