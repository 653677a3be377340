export interface PartStatus {
  readonly ok: boolean;
  /** A critical part that is down makes the whole service unavailable (503); others only degrade it. */
  readonly critical: boolean;
  readonly detail?: string;
}

export interface HealthReport {
  readonly status: "ok" | "degraded" | "unavailable";
  readonly uptimeSeconds: number;
  readonly parts: Readonly<Record<string, PartStatus>>;
}

/** What `/health` reports: each part (a listener, Redis…) says whether it is up. */
export class Health {
  readonly #parts = new Map<string, PartStatus>();
  readonly #started = Date.now();

  /** Declares or updates a part. Parts declared down until their listener is up keep `/health` at 503. */
  set(name: string, ok: boolean, opts: { critical?: boolean; detail?: string } = {}): void {
    const prev = this.#parts.get(name);
    const status: PartStatus = { ok, critical: opts.critical ?? prev?.critical ?? true };
    this.#parts.set(name, opts.detail === undefined ? status : { ...status, detail: opts.detail });
  }

  report(): HealthReport {
    const parts = Object.fromEntries(this.#parts);
    const all = [...this.#parts.values()];
    const status =
      all.length === 0 || all.some((p) => p.critical && !p.ok)
        ? "unavailable"
        : all.some((p) => !p.ok)
          ? "degraded"
          : "ok";
    return { status, uptimeSeconds: Math.round((Date.now() - this.#started) / 1000), parts };
  }
}
