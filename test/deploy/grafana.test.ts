// Grafana dashboards checked against Grafana's published schema types (@grafana/schema's `Dashboard`): each JSON
// file becomes a TypeScript module whose literal must satisfy the type (excess properties and wrong types are
// errors), compiled with tsc --noEmit. A deliberately broken dashboard proves the check can fail. Also: the files
// are what grafana/generate.mjs makes, and the provisioning points at them.
import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { repoRoot } from "./lib/paths.js";
import { dashboardFiles } from "./lib/promql.js";

// JSON has no enums: compare string enums by their values (`ThresholdsMode.Absolute` ⇔ "absolute").
const PRELUDE = `import type { Dashboard } from "@grafana/schema";
type Plain<T> = T extends string
  ? string extends T ? string : \`\${T}\`
  : T extends readonly (infer U)[]
    ? Plain<U>[]
    : T extends object
      ? { [K in keyof T]: Plain<T[K]> }
      : T;
`;

function moduleFor(json: string): string {
  return `${PRELUDE}\nexport const dashboard = ${json.trim()} satisfies Plain<Dashboard>;\n`;
}

describe("grafana dashboards", () => {
  it("satisfy @grafana/schema's Dashboard type (tsc --noEmit), and a broken one does not", () => {
    mkdirSync(join(repoRoot, ".tmp"), { recursive: true });
    const dir = mkdtempSync(join(repoRoot, ".tmp", "grafana-check-"));
    try {
      const files = dashboardFiles();
      assert.ok(files.length >= 5, "one dashboard per service plus an overview");
      for (const f of files) {
        writeFileSync(join(dir, `${f.name}.ts`), moduleFor(readFileSync(f.path, "utf8")));
      }
      const first = files[0];
      assert.ok(first);
      const broken = JSON.parse(readFileSync(first.path, "utf8")) as { panels: Record<string, unknown>[] };
      broken.panels[0] = { ...broken.panels[0], titel: "typo", gridPos: { x: "0", y: 0, w: 6, h: 4 } };
      writeFileSync(join(dir, "broken.ts"), moduleFor(JSON.stringify(broken)));
      writeFileSync(
        join(dir, "tsconfig.json"),
        JSON.stringify({
          extends: "../../tsconfig.base.json",
          compilerOptions: { noEmit: true, rootDir: ".", types: [], skipLibCheck: true },
          include: ["*.ts"],
        }),
      );
      const r = spawnSync(process.execPath, [join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", dir], {
        encoding: "utf8",
      });
      const errors = r.stdout.split("\n").filter((l) => /error TS\d+/.test(l));
      const outsideBroken = errors.filter((l) => !l.startsWith("broken.ts") && !l.includes("/broken.ts"));
      assert.deepEqual(outsideBroken, [], r.stdout);
      assert.ok(
        errors.some((l) => l.includes("broken.ts")),
        `the broken dashboard must fail the type check:\n${r.stdout}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("are exactly what grafana/generate.mjs makes", () => {
    const r = spawnSync(process.execPath, [join(repoRoot, "grafana/generate.mjs"), "--check"], {
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
  });

  it("are provisioned from the folder the compose file mounts, with the datasource uid they use", () => {
    const providers = parse(
      readFileSync(join(repoRoot, "grafana/provisioning/dashboards/switchboard.yml"), "utf8"),
    ) as { providers: { options: { path: string } }[] };
    assert.equal(providers.providers[0]?.options.path, "/etc/grafana/dashboards");
    const compose = readFileSync(join(repoRoot, "docker-compose.yml"), "utf8");
    assert.match(compose, /\.\/grafana\/dashboards:\/etc\/grafana\/dashboards:ro/);
    const ds = parse(
      readFileSync(join(repoRoot, "grafana/provisioning/datasources/prometheus.yml"), "utf8"),
    ) as {
      datasources: { uid: string; url: string }[];
    };
    assert.equal(ds.datasources[0]?.uid, "prometheus");
    for (const name of readdirSync(join(repoRoot, "grafana/dashboards"))) {
      const text = readFileSync(join(repoRoot, "grafana/dashboards", name), "utf8");
      const uids = new Set([...text.matchAll(/"uid": "([^"]+)"/g)].map((m) => m[1]));
      uids.delete(`switchboard-${name.replace(/\.json$/, "")}`);
      assert.deepEqual([...uids], ["prometheus"], `${name} uses only the provisioned datasource`);
    }
  });
});
