import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { createLogger, loadConfig } from "@switchboard/runtime";
import {
  checkSignalingConfig,
  createSignalingServer,
  signalingConfigSpec,
  type SignalingServer,
} from "../src/server.js";
import { startServer, type TestServer } from "./helpers.js";

const SECRET = "openapi-test-jwt-secret-0123456789";
const CREATE_LIMIT = 4;
const token = (sub: string) =>
  new SignJWT({ sub })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt()
    .setExpirationTime("10m")
    .setAudience("switchboard-signaling")
    .setIssuer("switchboard")
    .sign(new TextEncoder().encode(SECRET));

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>> };

/** `/api/meetings/:roomId` → `/api/meetings/{roomId}`, as OpenAPI writes paths. */
const openApiPath = (url: string) => url.replace(/:(\w+)/g, "{$1}");

/** The error codes an operation documents for a status (the `code` enum of its error schema). */
function documentedCodes(op: Operation, status: number): string[] {
  const schema = op.responses[String(status)]?.content?.["application/json"]?.schema as
    | {
        properties?: {
          error?: { properties?: { code?: { anyOf?: { enum?: string[] }[]; enum?: string[] } } };
        };
      }
    | undefined;
  const code = schema?.properties?.error?.properties?.code;
  if (!code) return [];
  return code.enum ?? (code.anyOf ?? []).flatMap((c) => c.enum ?? []);
}

function allDocumentedCodes(op: Operation): Set<string> {
  return new Set(Object.keys(op.responses).flatMap((s) => documentedCodes(op, Number(s))));
}

describe("OpenAPI document of the meetings API", () => {
  let server: SignalingServer;
  let http: string;
  let doc: Doc;
  const routes: { method: string; url: string }[] = [];

  beforeAll(async () => {
    const config = loadConfig(signalingConfigSpec, {
      env: {
        SIGNALING_HOST: "127.0.0.1",
        SIGNALING_PORT: "0",
        LOG_LEVEL: "silent",
        JWT_SECRET: SECRET,
        SIGNALING_MEETING_CREATE_LIMIT: String(CREATE_LIMIT),
      },
      check: checkSignalingConfig,
    });
    server = createSignalingServer({
      config,
      logger: createLogger({ name: "openapi-test", level: "silent" }),
    });
    // Every route the service registers (plugins load at listen, after this hook).
    server.app.addHook("onRoute", (r) => {
      const hidden = r.schema?.hide === true;
      if (!r.url.startsWith("/api") || hidden) return;
      for (const m of [r.method].flat()) if (m !== "HEAD") routes.push({ method: m, url: r.url });
    });
    http = await server.listen();
    const res = await fetch(`${http}/api/openapi.json`);
    assert.equal(res.status, 200);
    doc = (await res.json()) as Doc;
  });
  afterAll(() => server.close());

  const op = (method: string, url: string): Operation => {
    const o = doc.paths[openApiPath(url)]?.[method.toLowerCase()];
    assert.ok(o, `${method} ${url} is not in the document`);
    return o;
  };

  it("lists every registered /api route with its success and error responses", () => {
    assert.match(doc.openapi, /^3\./);
    assert.ok(routes.length >= 11, `only ${routes.length} routes seen`);
    for (const r of routes) {
      const o = op(r.method, r.url);
      for (const status of [400, 500, 503])
        assert.ok(o.responses[String(status)], `${r.method} ${r.url} ${status}`);
      assert.ok(
        Object.keys(o.responses).some((s) => s.startsWith("2")),
        `${r.method} ${r.url} has no success response`,
      );
    }
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m} ${p}`),
    );
    assert.deepEqual(
      documented.sort(),
      routes.map((r) => `${r.method.toLowerCase()} ${openApiPath(r.url)}`).sort(),
      "the document lists exactly the registered routes",
    );
  });

  it("documents every error each route answers, at its status, and nothing it cannot answer", async () => {
    const alice = await token(`alice-${randomUUID()}`);
    const bob = await token(`bob-${randomUUID()}`);
    const flood = await token(`flood-${randomUUID()}`);
    const json = { "content-type": "application/json" };
    const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
    const call = async (
      method: string,
      path: string,
      o: { body?: string; headers?: Record<string, string> } = {},
    ) => {
      const res = await fetch(`${http}${path}`, {
        method,
        headers: { ...(o.body === undefined ? {} : json), ...o.headers },
        ...(o.body === undefined ? {} : { body: o.body }),
      });
      return {
        status: res.status,
        body: (await res.json()) as {
          error?: { code: string };
          meeting?: { roomId: string };
          hostKey?: string;
        },
      };
    };
    const created = await call("POST", "/api/meetings", { body: "{}", headers: bearer(alice) });
    const roomId = created.body.meeting?.roomId ?? "";
    const ended = await call("POST", "/api/meetings", {
      body: JSON.stringify({ settings: { requireApproval: true } }),
      headers: bearer(alice),
    });
    const endedId = ended.body.meeting?.roomId ?? "";
    assert.equal(
      (await call("POST", `/api/meetings/${endedId}/end`, { headers: bearer(alice) })).status,
      200,
    );

    const missing = "zzz-zzzz-zzz";
    const huge = JSON.stringify({ title: "x".repeat(70 * 1024) });
    const BAD = "Bearer not.a.jwt";
    type Case = [
      method: string,
      route: string,
      path: string,
      code: string,
      o?: { body?: string; headers?: Record<string, string> },
    ];
    const cases: Case[] = [
      ["POST", "/api/meetings", "/api/meetings", "invalid_message", { body: '{"title": ""}' }],
      [
        "POST",
        "/api/meetings",
        "/api/meetings",
        "unauthorized",
        { body: "{}", headers: { authorization: BAD } },
      ],
      ["POST", "/api/meetings", "/api/meetings", "payload_too_large", { body: huge }],
      ["GET", "/api/meetings/:roomId", "/api/meetings/ab", "invalid_message"],
      ["GET", "/api/meetings/:roomId", `/api/meetings/${missing}`, "room_not_found"],
    ];
    for (const method of ["PATCH", "PUT"]) {
      const r = "/api/meetings/:roomId";
      cases.push(
        [
          method,
          r,
          `/api/meetings/${roomId}`,
          "invalid_message",
          { body: '{"settings": {"locked": "yes"}}', headers: bearer(alice) },
        ],
        [
          method,
          r,
          `/api/meetings/${roomId}`,
          "unauthorized",
          { body: "{}", headers: { authorization: BAD } },
        ],
        [method, r, `/api/meetings/${roomId}`, "forbidden", { body: "{}", headers: bearer(bob) }],
        [method, r, `/api/meetings/${missing}`, "room_not_found", { body: "{}", headers: bearer(alice) }],
        [method, r, `/api/meetings/${endedId}`, "meeting_ended", { body: "{}", headers: bearer(alice) }],
        [method, r, `/api/meetings/${roomId}`, "payload_too_large", { body: huge, headers: bearer(alice) }],
      );
    }
    for (const [method, r, suffix] of [
      ["POST", "/api/meetings/:roomId/end", "/end"],
      ["DELETE", "/api/meetings/:roomId", ""],
    ] as const) {
      cases.push(
        [method, r, `/api/meetings/ab${suffix}`, "invalid_message", { headers: bearer(alice) }],
        [method, r, `/api/meetings/${roomId}${suffix}`, "unauthorized", { headers: { authorization: BAD } }],
        [method, r, `/api/meetings/${roomId}${suffix}`, "forbidden", { headers: bearer(bob) }],
        [method, r, `/api/meetings/${missing}${suffix}`, "room_not_found", { headers: bearer(alice) }],
      );
    }
    for (const sub of ["participants", "stats"]) {
      const r = `/api/meetings/:roomId/${sub}`;
      cases.push(
        ["GET", r, `/api/meetings/ab/${sub}`, "invalid_message"],
        ["GET", r, `/api/meetings/${roomId}/${sub}`, "unauthorized"],
        ["GET", r, `/api/meetings/${endedId}/${sub}`, "forbidden", { headers: bearer(bob) }],
        ["GET", r, `/api/meetings/${missing}/${sub}`, "room_not_found", { headers: bearer(alice) }],
      );
    }
    cases.push(
      [
        "GET",
        "/api/users/me/meetings",
        "/api/users/me/meetings?limit=0",
        "invalid_message",
        { headers: bearer(alice) },
      ],
      ["GET", "/api/users/me/meetings", "/api/users/me/meetings", "unauthorized"],
      [
        "POST",
        "/api/meetings/create",
        "/api/meetings/create",
        "invalid_message",
        { body: '{"scheduledAt": "tomorrow"}' },
      ],
      [
        "POST",
        "/api/meetings/create",
        "/api/meetings/create",
        "unauthorized",
        { body: '{"hostId": "someone"}' },
      ],
      [
        "POST",
        "/api/meetings/create",
        "/api/meetings/create",
        "forbidden",
        { body: '{"hostId": "someone"}', headers: bearer(alice) },
      ],
      ["POST", "/api/meetings/create", "/api/meetings/create", "payload_too_large", { body: huge }],
      [
        "GET",
        "/api/meetings/user/:userId",
        "/api/meetings/user/x?status=open",
        "invalid_message",
        { headers: bearer(alice) },
      ],
      ["GET", "/api/meetings/user/:userId", "/api/meetings/user/x", "unauthorized"],
      ["GET", "/api/meetings/user/:userId", "/api/meetings/user/x", "forbidden", { headers: bearer(bob) }],
    );
    // The creation limit (per token user): the last of CREATE_LIMIT + 1 creations is refused, on both routes.
    for (const route of ["/api/meetings", "/api/meetings/create"]) {
      for (let i = 0; i < CREATE_LIMIT; i++)
        assert.equal((await call("POST", route, { body: "{}", headers: bearer(flood) })).status, 201);
      cases.push(["POST", route, route, "rate_limited", { body: "{}", headers: bearer(flood) }]);
    }

    const seen = new Map<string, Set<string>>();
    for (const [method, route, path, code, o] of cases) {
      const res = await call(method, path, o);
      const what = `${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`;
      assert.equal(res.body.error?.code, code, what);
      const documented = documentedCodes(op(method, route), res.status);
      assert.ok(documented.includes(code), `${what}: ${res.status} documents only ${documented.join(", ")}`);
      const key = `${method} ${route}`;
      seen.set(key, new Set([...(seen.get(key) ?? []), code]));
    }
    // Conversely: what a route documents, it answers (Redis down and bugs cannot be provoked here).
    for (const r of routes) {
      const claimed = [...allDocumentedCodes(op(r.method, r.url))].filter(
        (c) => c !== "unavailable" && c !== "internal_error",
      );
      const observed = seen.get(`${r.method} ${r.url}`) ?? new Set();
      assert.deepEqual(
        claimed.filter((c) => !observed.has(c)),
        [],
        `${r.method} ${r.url}: documented, never seen`,
      );
    }
  });

  it("serves the interactive page and its script", async () => {
    const page = await fetch(`${http}/api/docs`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);
    const html = await page.text();
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => new URL(m[1] ?? "", page.url));
    assert.ok(
      scripts.some((u) => u.pathname.endsWith("swagger-ui-bundle.js")),
      "the page loads Swagger UI",
    );
    for (const u of scripts) assert.equal((await fetch(u)).status, 200, u.pathname);
    // The initializer points the page at a spec URL that serves the document.
    const init = scripts.find((u) => u.pathname.endsWith("swagger-initializer.js"));
    assert.ok(init);
    const initJs = await (await fetch(init)).text();
    const specUrl = /url: resolveUrl\(["']([^"']+)["']\)/.exec(initJs)?.[1];
    assert.ok(specUrl, "the initializer names the spec");
    // resolveUrl() in the page resolves against the page's URL with a trailing slash.
    const spec = (await (await fetch(new URL(specUrl, `${page.url.replace(/\/?$/, "/")}`))).json()) as Doc;
    assert.deepEqual(Object.keys(spec.paths).sort(), Object.keys(doc.paths).sort());
    const bundle = await fetch(scripts.find((u) => u.pathname.endsWith("swagger-ui-bundle.js")) ?? "");
    assert.ok((await bundle.text()).length > 100_000);
  });
});

describe("OpenAPI document switched off", () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });
  const envs: Record<string, string>[] = [{ SIGNALING_API_DOCS: "off" }, { NODE_ENV: "production" }];
  for (const env of envs) {
    it(`is not served with ${JSON.stringify(env)}`, async () => {
      const srv = await startServer(env);
      servers.push(srv);
      for (const path of ["/api/openapi.json", "/api/docs", "/api/docs/json"])
        assert.equal((await fetch(`${srv.http}${path}`)).status, 404, path);
      const res = await fetch(`${srv.http}/api/meetings`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      assert.equal(res.status, 201);
    });
  }
});
