import { join } from "node:path";

/** Prometheus's arguments for a folder holding prometheus.yml (and its rule files) and its TSDB in `data/`. */
export function prometheusArgs(dir: string, address: string): string[] {
  return [
    `--config.file=${join(dir, "prometheus.yml")}`,
    `--storage.tsdb.path=${join(dir, "data")}`,
    `--web.listen-address=${address}`,
    "--storage.tsdb.retention.time=1h",
    "--log.level=warn",
  ];
}
