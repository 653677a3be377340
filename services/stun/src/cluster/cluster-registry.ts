import { AggregatorRegistry, Registry, type MetricObjectWithValues, type MetricValue } from "prom-client";

/** Asks every live worker for its metrics (as `registry.getMetricsAsJSON()` output). */
export type CollectFromWorkers = () => Promise<ReadonlyArray<readonly object[]>>;

/**
 * The primary's view of the metrics: its own registry plus every worker's, summed (counters) or averaged per
 * prom-client's aggregation rules, fetched at scrape time. The admin server uses it like any registry.
 */
export class ClusterRegistry extends Registry {
  readonly #own: Registry;
  readonly #collect: CollectFromWorkers;

  constructor(own: Registry, collect: CollectFromWorkers) {
    super();
    this.#own = own;
    this.#collect = collect;
  }

  async #aggregate(): Promise<Registry> {
    const [own, workers] = await Promise.all([this.#own.getMetricsAsJSON(), this.#collect()]);
    return AggregatorRegistry.aggregate([own, ...workers] as object[][]);
  }

  override async metrics(): Promise<string> {
    return (await this.#aggregate()).metrics();
  }

  override async getMetricsAsJSON(): Promise<MetricObjectWithValues<MetricValue<string>>[]> {
    return (await this.#aggregate()).getMetricsAsJSON();
  }
}
