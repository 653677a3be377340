/**
 * `npm run nat-lab`: builds the NAT lab, measures what `switchboard nat` reports behind every kind of router and
 * how `switchboard peer` connects across every pair of kinds, and writes both tables into docs/NAT.md (between
 * the nat-lab markers). Needs root. Exit 1 when a router is reported as another kind, a pair fails, or a pair's
 * path (direct or TURN) is not the one the strategy expects.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { release } from "node:os";
import { join } from "node:path";
import { Lab, ROOT } from "./lab.js";
import { directExpected, holePunched, matrixTable, measureMatrix } from "./matrix.js";
import { EXPECTED_TYPE, measureNatTypes, natTypesTable } from "./nat-types.js";

/** Replaces the text between the `<!-- nat-lab:NAME:begin/end -->` markers (which must be there) with `body`. */
export function replaceSection(doc: string, name: string, body: string): string {
  const begin = `<!-- nat-lab:${name}:begin -->`;
  const end = `<!-- nat-lab:${name}:end -->`;
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  if (i < 0 || j < i) throw new Error(`docs/NAT.md lacks the ${begin} … ${end} markers`);
  return `${doc.slice(0, i + begin.length)}\n${body}\n${doc.slice(j)}`;
}

const lab = await Lab.create({ sides: 2, services: true, udpTimeoutSec: 10 });
let ok: boolean;
try {
  const rows = await measureNatTypes(lab);
  const types = natTypesTable(rows);
  process.stdout.write(`${types}\n\n`);
  const pairs = await measureMatrix(lab);
  const matrix = matrixTable(pairs);
  process.stdout.write(`${matrix}\n\n`);
  const when = `Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC by \`npm run nat-lab\` (Linux ${release()}, Node ${process.version}).`;
  const path = join(ROOT, "docs/NAT.md");
  let doc = readFileSync(path, "utf8");
  doc = replaceSection(doc, "types", `${when}\n\n${types}`);
  doc = replaceSection(doc, "matrix", `${when}\n\n${matrix}`);
  writeFileSync(path, doc);
  process.stdout.write("written to docs/NAT.md\n");
  ok =
    rows.every((r) => r.report?.natType === EXPECTED_TYPE[r.kind]) &&
    pairs.every(
      (p) =>
        p.connected &&
        p.delivered &&
        (directExpected(p.a, p.b) === true ? holePunched(p) : p.viaTurn === true),
    );
} finally {
  await lab.destroy();
}
process.exitCode = ok ? 0 : 1;
