/** Runs `switchboard nat --json` behind every kind of lab router at once and collects what it reports. */
import { HOST_KINDS, type HostKind, type Lab } from "./lab.js";

/** The fields of `switchboard nat --json` the lab reads. */
export interface NatReport {
  readonly natType: string;
  readonly mapping: string;
  readonly filtering: string;
  readonly hairpinning?: boolean;
  readonly natPresent?: boolean;
  readonly udpBlocked: boolean;
  readonly rfc5780: boolean;
  readonly publicAddress?: { address: string; port: number };
  readonly strategy: { strategy: string };
}

export interface NatTypeRow {
  readonly kind: HostKind;
  readonly code: number | null;
  /** Wall time of the command, process start-up (tsx) included. */
  readonly ms: number;
  readonly report?: NatReport;
  readonly output: string;
}

/** The classic name each lab host must be reported as. */
export const EXPECTED_TYPE: Record<HostKind, string> = {
  open: "open",
  "full-cone": "full-cone",
  "restricted-cone": "restricted-cone",
  "port-restricted-cone": "port-restricted-cone",
  symmetric: "symmetric",
};

export async function measureNatTypes(lab: Lab): Promise<NatTypeRow[]> {
  return Promise.all(
    HOST_KINDS.map(async (kind) => {
      const r = await lab.natOn(kind);
      let report: NatReport | undefined;
      try {
        report = JSON.parse(r.stdout) as NatReport;
      } catch {
        report = undefined;
      }
      return { kind, code: r.code, ms: r.ms, output: r.stdout + r.stderr, ...(report && { report }) };
    }),
  );
}

/** A Markdown table of the rows (for docs/NAT.md). */
export function natTypesTable(rows: readonly NatTypeRow[]): string {
  const lines = [
    "| lab router | reported type | mapping | filtering | hairpinning | public address | strategy | time (s) |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of rows) {
    const p = r.report;
    const mark = p?.natType === EXPECTED_TYPE[r.kind] ? "✓" : "✗";
    lines.push(
      `| ${r.kind} | ${p ? `${p.natType} ${mark}` : "no report ✗"} | ${p?.mapping ?? ""} | ${p?.filtering ?? ""} | ${
        p?.hairpinning === undefined ? "not tested" : p.hairpinning ? "yes" : "no"
      } | ${p?.publicAddress ? `${p.publicAddress.address}:${p.publicAddress.port}` : ""} | ${p?.strategy.strategy ?? ""} | ${(r.ms / 1000).toFixed(1)} |`,
    );
  }
  return lines.join("\n");
}
