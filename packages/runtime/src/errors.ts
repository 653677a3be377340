/** Coded errors of the runtime package. */
export class ConfigError extends Error {
  readonly code = "SB_ERR_CONFIG";
  /** Every problem found, one line each (`STUN_PORT: expected an integer from 0 to 65535, got "x"`). */
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}
