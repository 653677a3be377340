/**
 * Runs inside a network namespace with only `lo` (see chromium-relay.test.ts): starts our TURN server, opens
 * two headless Chromium pages whose peer connections may only use relay candidates, connects a data channel
 * through the TURN server, moves BYTES bytes and prints one JSON line with the outcome and getStats() facts.
 */
import { fileURLToPath } from "node:url";
import { chromium, type Page } from "playwright-core";
import { chromiumLaunchOptions } from "@switchboard/test-support";
import { issueTurnCredentials } from "@switchboard/turn-credentials";
import { startTurn } from "../support/harness.js";

const BYTES = Number(process.env.RELAY_BYTES ?? 4 * 1024 * 1024);
const TRANSPORT = process.env.RELAY_TRANSPORT === "tcp" ? "tcp" : "udp";
const SECRET = "browser-test-secret";
const PAGE_SCRIPT = fileURLToPath(new URL("./relay-page.js", import.meta.url));

interface PairFacts {
  localType: string;
  remoteType: string;
  protocol: string;
}

async function main(): Promise<void> {
  const turn = await startTurn({ TURN_SECRET: SECRET, TURN_ALLOCATION_BPS: "0" });
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    const creds = issueTurnCredentials({
      secret: SECRET,
      ttlSeconds: 600,
      userId: "browser",
      nowMs: Date.now(),
    });
    const config = {
      iceServers: [
        {
          urls: `turn:127.0.0.1:${turn[TRANSPORT].port}?transport=${TRANSPORT}`,
          username: creds.username,
          credential: creds.credential,
        },
      ],
      iceTransportPolicy: "relay",
    };
    const context = await browser.newContext();
    const [a, b] = [await context.newPage(), await context.newPage()];
    const call = <T>(page: Page, fn: string, ...args: unknown[]): Promise<T> =>
      page.evaluate<T>(`window.relayTest.${fn}(${args.map((x) => JSON.stringify(x)).join(",")})`);
    for (const page of [a, b]) {
      await page.addScriptTag({ path: PAGE_SCRIPT });
      await call(page, "setup", config, BYTES);
    }
    const offer = await call<unknown>(a, "offer");
    const answer = await call<unknown>(b, "answer", offer);
    const started = Date.now();
    await call(a, "send", answer, BYTES);
    const received = await call<number>(b, "received");
    const seconds = (Date.now() - started) / 1000;
    const facts = (page: Page) => call<PairFacts>(page, "selectedPair");
    const metrics = await turn.server.registry.getSingleMetricAsString("turn_relayed_bytes_total");
    const result: { received: number; seconds: number; a: PairFacts; b: PairFacts; relayedBytes: number } = {
      received,
      seconds,
      a: await facts(a),
      b: await facts(b),
      relayedBytes: [...metrics.matchAll(/direction="client_to_peer"\} (\d+)/g)].reduce(
        (s, m) => s + Number(m[1]),
        0,
      ),
    };
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } finally {
    await browser.close();
    await turn.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
