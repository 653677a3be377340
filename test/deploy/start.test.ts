// `npm start`'s runner (scripts/start.mjs) on free ports: every built service answers /health, the output says
// where each listens, the TURN secret it generates reaches both TURN and signaling (a credential that signaling
// hands out allocates on TURN), and Ctrl-C (SIGINT) stops every process.
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./lib/paths.js";
import { freePort } from "@switchboard/test-support";
import { alive, childPids } from "./lib/local-platform.js";
import { startProc, stopProc, waitForHttp, waitUntil, type Proc } from "./lib/processes.js";
import { SERVICE_NAMES } from "./lib/services.js";
import { SignalingClient } from "./lib/signaling-client.js";
import { allocate } from "./lib/turn-client.js";

const built = SERVICE_NAMES.filter((s) => existsSync(join(repoRoot, "services", s, "dist", "main.js")));

describe("npm start (scripts/start.mjs)", () => {
  let runner: Proc | undefined;
  const ports: Record<string, number> = {};
  const health: Record<string, string> = {};

  beforeAll(async () => {
    assert.deepEqual(built, SERVICE_NAMES, "every service is built (npm run build)");
    ports.STUN_PORT = await freePort({ protocol: "both" });
    ports.STUN_ADMIN_PORT = await freePort();
    ports.TURN_PORT = await freePort({ protocol: "both" });
    ports.TURN_ADMIN_PORT = await freePort();
    ports.SIGNALING_PORT = await freePort();
    ports.TRACKER_PORT = await freePort({ protocol: "both" });
    ports.WEB_PORT = await freePort();
    Object.assign(health, {
      stun: `http://127.0.0.1:${ports.STUN_ADMIN_PORT}/health`,
      turn: `http://127.0.0.1:${ports.TURN_ADMIN_PORT}/health`,
      signaling: `http://127.0.0.1:${ports.SIGNALING_PORT}/health`,
      tracker: `http://127.0.0.1:${ports.TRACKER_PORT}/health`,
    });
    const env: Record<string, string> = { ...process.env, STUN_WORKERS: "1", LOG_LEVEL: "warn" };
    delete env.TURN_SECRET;
    delete env.REDIS_URL;
    for (const [k, v] of Object.entries(ports)) env[k] = String(v);
    runner = startProc("start.mjs", process.execPath, [join(repoRoot, "scripts/start.mjs")], {
      cwd: repoRoot,
      env,
    });
  });

  afterAll(async () => {
    if (runner) await stopProc(runner, 15_000);
  });

  it("starts every built service; each /health answers 200", async () => {
    assert.ok(built.length > 0, "services are built");
    const r = runner as Proc;
    for (const s of built) await waitForHttp(health[s] ?? "", { proc: r, timeoutMs: 45_000 });
    await waitUntil("the ready line", () => r.output().includes("Switchboard is ready"), 10_000);
  });

  it("prints where each service listens and that the TURN secret was generated", () => {
    const out = (runner as Proc).output();
    assert.match(out, new RegExp(`stun:127\\.0\\.0\\.1:${ports.STUN_PORT}`));
    assert.match(out, new RegExp(`turn:127\\.0\\.0\\.1:${ports.TURN_PORT}`));
    assert.match(out, new RegExp(`ws://127\\.0\\.0\\.1:${ports.SIGNALING_PORT}/ws`));
    assert.match(out, new RegExp(`http://127\\.0\\.0\\.1:${ports.TRACKER_PORT}/announce`));
    assert.match(out, /TURN secret: generated for this run/);
  });

  it("serves the web app's build and prints its address; /ws and /api/ reach signaling on the same origin", async () => {
    const web = `http://127.0.0.1:${ports.WEB_PORT}`;
    const out = (runner as Proc).output();
    assert.match(out, new RegExp(`WEB APP {4}${web}/`));
    assert.match(out, new RegExp(`Switchboard is ready: .* Web app: ${web}/`));
    const index = await fetch(`${web}/`);
    assert.equal(index.status, 200);
    const html = await index.text();
    assert.equal(html, readFileSync(join(repoRoot, "packages/web/dist/index.html"), "utf8"));
    assert.match(
      index.headers.get("content-security-policy") ?? "",
      /frame-ancestors 'none'/,
      "nginx's headers",
    );
    const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, html);
    const js = await fetch(`${web}${script}`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get("content-type") ?? "", /^text\/javascript/);
    assert.ok((await js.text()).length > 10_000, "the app bundle");
    assert.equal((await fetch(`${web}/..%2f..%2fpackage.json`)).status, 404, "nothing outside dist/");
    const api = await fetch(`${web}/api/meetings/no-such-meeting`);
    assert.equal(api.status, 404, "the meetings API answers through the web origin");
    assert.match(await api.text(), /room_not_found|not_found/);
    const client = await SignalingClient.connect(`ws://127.0.0.1:${ports.WEB_PORT}/ws`);
    try {
      assert.equal((await client.hello()).type, "welcome", "signaling over the web origin's /ws");
    } finally {
      client.close();
    }
  });

  it("signaling hands out TURN credentials that the TURN service accepts (one generated secret)", async () => {
    const client = await SignalingClient.connect(`ws://127.0.0.1:${ports.SIGNALING_PORT}/ws`);
    try {
      const welcome = await client.hello();
      assert.equal(welcome.type, "welcome", JSON.stringify(welcome));
      const servers = welcome.iceServers as { urls: string[]; username?: string; credential?: string }[];
      const turn = servers.find((s) => s.urls.some((u) => u.startsWith("turn:")));
      const stun = servers.find((s) => s.urls.some((u) => u.startsWith("stun:")));
      assert.ok(turn?.username && turn.credential, JSON.stringify(servers));
      assert.ok(
        turn.urls.includes(`turn:127.0.0.1:${ports.TURN_PORT}?transport=udp`),
        JSON.stringify(turn.urls),
      );
      assert.ok(stun?.urls.includes(`stun:127.0.0.1:${ports.STUN_PORT}`), JSON.stringify(servers));
      const creds = { username: turn.username, password: turn.credential };
      assert.equal(await allocate("127.0.0.1", ports.TURN_PORT ?? 0, creds), "success");
      const forged = { username: turn.username, password: `${turn.credential}x` };
      assert.equal(
        await allocate("127.0.0.1", ports.TURN_PORT ?? 0, forged),
        401,
        "a wrong password is refused",
      );
    } finally {
      client.close();
    }
  });

  it("Ctrl-C (SIGINT) stops every service and the runner", async () => {
    const r = runner as Proc;
    const pids = childPids(r.child.pid ?? 0);
    assert.equal(pids.length, built.length, "one process per service");
    r.child.kill("SIGINT");
    const exit = await Promise.race([
      r.exited,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("runner did not exit")), 15_000)),
    ]);
    assert.equal(exit.code, 0, r.output());
    assert.match(r.output(), /Switchboard stopped\./);
    await waitUntil("every service process gone", () => pids.every((p) => !alive(p)), 5000);
    for (const s of built) {
      await assert.rejects(fetch(health[s] ?? "", { signal: AbortSignal.timeout(1000) }), `${s} is down`);
    }
  });
});
