// Human figures for the Files view: sizes, rates, time left. Binary units (a MiB is 2^20 bytes), as the file
// sizes people see in their file managers on most systems.

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"] as const;

/** 0 B, 512 B, 1.5 KiB, 50.0 MiB, 12 GiB (three significant digits at most). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return "?";
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** Bytes per second as "12.3 MiB/s"; "—" when nothing moves. */
export function formatRate(bytesPerSecond: number): string {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return "—";
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** Seconds left as "45 s", "3 min 05 s", "2 h 07 min"; "—" when unknown. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return "—";
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

/** Whole percent of `part` in `total`, 0–100 (0 when the total is unknown). */
export function percent(part: number, total: number | null): number {
  if (!total || total <= 0) return 0;
  return Math.max(0, Math.min(100, Math.floor((part / total) * 100)));
}
