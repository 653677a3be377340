/**
 * Web app budgets (run by run.sh inside a loopback-only network namespace; needs the build):
 *  1. JavaScript shipped to the first screen (Start, `#/`): every script Chromium fetches to show it, gzipped;
 *     budget 120 KB (120 000 bytes). The other routes' extra scripts are listed beside it.
 *  2. Time from page load to the video of a second participant on loopback (median of WEB_BENCH_RUNS, default 5):
 *     Alice is in the meeting, Bob opens its link and joins; the clock is Bob's, from navigation start to the first
 *     decoded frame of Alice's video (time-to-video.ts).
 * Prints a Markdown table for docs/BENCHMARKS.md on stdout; progress on stderr.
 */
import { fileURLToPath } from "node:url";
import { launchBrowser } from "../../packages/web/test/helpers/browser.js";
import { startLocalPlatform } from "../../test/deploy/lib/local-platform.js";
import { measureRoute, type RouteLoad } from "./first-screen.js";
import { timeToVideo, type VideoTrial } from "./time-to-video.js";

const DIST = fileURLToPath(new URL("../../packages/web/dist/", import.meta.url));
const BUDGET_BYTES = 120_000;
const RUNS = Number(process.env.WEB_BENCH_RUNS ?? 5);
const log = (line: string): void => void process.stderr.write(`# ${line}\n`);
const kb = (n: number): string => `${(n / 1000).toFixed(1)} KB`;

const platform = await startLocalPlatform({ LOG_LEVEL: "error" });
const browser = await launchBrowser();
const second = await launchBrowser();
const origin = new URL(platform.webUrl).origin;
try {
  const loads: RouteLoad[] = [];
  for (const route of ["#/", "#/files", "#/network", "#/m/bench-room"]) {
    const load = await measureRoute(browser, origin, route, DIST);
    log(`${route}: ${load.scripts.map((s) => s.path).join(", ")} = ${kb(load.gzip6)} gzip`);
    loads.push(load);
  }
  const first = loads[0];
  const trials: VideoTrial[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = await timeToVideo({ alice: browser, bob: second }, origin, `bench-video-${process.pid}-${i}`);
    log(`time to video, run ${i + 1}: ${t.ms.toFixed(0)} ms (${t.width} px wide, ${t.frames} frames)`);
    trials.push(t);
  }
  const times = trials.map((t) => t.ms).sort((a, b) => a - b);
  const mid = Math.floor(times.length / 2);
  const median = times.length % 2 ? times[mid] : ((times[mid - 1] ?? 0) + (times[mid] ?? 0)) / 2;
  const verdict = first.gzip6 <= BUDGET_BYTES ? "within" : "OVER";
  const out = [
    `| route | scripts loaded | raw | gzip -6 (nginx) | gzip -9 |`,
    `| --- | --- | --- | --- | --- |`,
    ...loads.map(
      (l) =>
        `| \`${l.route}\` | ${l.scripts.map((s) => `\`${s.path}\``).join(", ")} | ${kb(l.raw)} | ${kb(l.gzip6)} | ${kb(l.gzip9)} |`,
    ),
    "",
    `First screen (\`#/\`): **${kb(first.gzip6)} gzip**, ${verdict} the ${kb(BUDGET_BYTES)} budget (${((first.gzip6 / BUDGET_BYTES) * 100).toFixed(0)} %).`,
    "",
    `Page load → first decoded frame of the second participant's video (Chromium, loopback, ${RUNS} runs): ` +
      `**median ${(median ?? 0).toFixed(0)} ms** (min ${(times[0] ?? 0).toFixed(0)}, max ${(times[times.length - 1] ?? 0).toFixed(0)}).`,
  ];
  process.stdout.write(`${out.join("\n")}\n`);
  if (verdict === "OVER") process.exitCode = 1;
} finally {
  await browser.close();
  await second.close();
  await platform.stop();
}
