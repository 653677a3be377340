/**
 * `npm run nat-lab`: builds the NAT lab, measures what `switchboard nat` reports behind every kind of router, and
 * writes the table into docs/NAT.md (between the nat-lab:types markers). Needs root. Exit 1 when a router is
 * reported as another kind.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { release } from "node:os";
import { join } from "node:path";
import { Lab, ROOT } from "./lab.js";
import { EXPECTED_TYPE, measureNatTypes, natTypesTable } from "./nat-types.js";

const BEGIN = "<!-- nat-lab:types:begin -->";
const END = "<!-- nat-lab:types:end -->";

/** Replaces the text between the markers (which must be there) with `body`. */
export function replaceSection(doc: string, body: string): string {
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/NAT.md lacks the ${BEGIN} … ${END} markers`);
  return `${doc.slice(0, start + BEGIN.length)}\n${body}\n${doc.slice(end)}`;
}

const lab = await Lab.create();
let ok: boolean;
try {
  const rows = await measureNatTypes(lab);
  const table = natTypesTable(rows);
  const when = new Date().toISOString().slice(0, 16).replace("T", " ");
  const body = `Measured ${when} UTC by \`npm run nat-lab\` (Linux ${release()}, Node ${process.version}).\n\n${table}`;
  const path = join(ROOT, "docs/NAT.md");
  writeFileSync(path, replaceSection(readFileSync(path, "utf8"), body));
  process.stdout.write(`${table}\n\nwritten to docs/NAT.md\n`);
  ok = rows.every((r) => r.report?.natType === EXPECTED_TYPE[r.kind]);
} finally {
  await lab.destroy();
}
process.exitCode = ok ? 0 : 1;
