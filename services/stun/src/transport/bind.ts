import { isIP } from "node:net";

/** Addresses that mean "all interfaces". */
export function isWildcard(address: string): boolean {
  return address === "" || address === "0.0.0.0" || address === "::";
}

/** The socket families to try for a bind address, in order: "" tries dual-stack "::" then 0.0.0.0. */
export function bindCandidates(address: string): ReadonlyArray<{ address: string; family: 4 | 6 }> {
  if (address === "") {
    return [
      { address: "::", family: 6 },
      { address: "0.0.0.0", family: 4 },
    ];
  }
  return [{ address, family: isIP(address) === 6 ? 6 : 4 }];
}

/** Errors that mean "this address family is not available here", so the next candidate is worth a try. */
export function isFamilyUnavailable(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === "EAFNOSUPPORT" || code === "EADDRNOTAVAIL" || code === "EPROTONOSUPPORT";
}
