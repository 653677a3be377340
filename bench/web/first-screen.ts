// The JavaScript a route of the web app makes the browser fetch: Chromium opens the route from a server of the
// build and records every script response until the network is idle; each file's size is then taken from dist/ as
// it is on disk and gzipped (level 6, nginx's gzip_comp_level, and level 9 for the floor).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Browser } from "playwright-core";

export interface ScriptSize {
  readonly path: string;
  readonly raw: number;
  readonly gzip6: number;
  readonly gzip9: number;
}

export interface RouteLoad {
  readonly route: string;
  readonly scripts: readonly ScriptSize[];
  readonly raw: number;
  readonly gzip6: number;
  readonly gzip9: number;
}

export function sizeOf(distDir: string, path: string): ScriptSize {
  const bytes = readFileSync(join(distDir, path));
  return {
    path,
    raw: bytes.length,
    gzip6: gzipSync(bytes, { level: 6 }).length,
    gzip9: gzipSync(bytes, { level: 9 }).length,
  };
}

/** Opens `origin/route` in a fresh context and sizes every script it loaded (served from distDir). */
export async function measureRoute(
  browser: Browser,
  origin: string,
  route: string,
  distDir: string,
): Promise<RouteLoad> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const scripts = new Set<string>();
    page.on("response", (res) => {
      const url = new URL(res.url());
      if (url.origin === origin && res.request().resourceType() === "script") scripts.add(url.pathname);
    });
    await page.goto(`${origin}/${route}`, { waitUntil: "networkidle" });
    const sized = [...scripts].sort().map((p) => sizeOf(distDir, p.replace(/^\//, "")));
    const sum = (k: "raw" | "gzip6" | "gzip9"): number => sized.reduce((n, s) => n + s[k], 0);
    return { route, scripts: sized, raw: sum("raw"), gzip6: sum("gzip6"), gzip9: sum("gzip9") };
  } finally {
    await context.close();
  }
}
