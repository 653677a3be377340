/**
 * RFC 5780 §6.1 (NAT behaviour discovery): which of the server's up to four transport addresses a response
 * leaves from, and what OTHER-ADDRESS says. Pure.
 *
 * A listener's role names its address and port: `P` primary, `A` alternate — "PA" is the primary address
 * with the alternate port. Without a configured alternate there is only "PP".
 */
export type Role = "PP" | "PA" | "AP" | "AA";

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

/** The server's transport addresses: the primary one and, for RFC 5780, the alternate address and port. */
export interface ListenerLayout {
  readonly primary: Endpoint;
  readonly alternate?: Endpoint;
}

export const ALL_ROLES: readonly Role[] = ["PP", "PA", "AP", "AA"];

/** The roles a layout listens on: four with an alternate, else only the primary. */
export function layoutRoles(layout: ListenerLayout): readonly Role[] {
  return layout.alternate ? ALL_ROLES : ["PP"];
}

/** The transport address of a role. */
export function roleEndpoint(layout: ListenerLayout, role: Role): Endpoint {
  const alt = layout.alternate ?? layout.primary;
  return {
    address: role[0] === "A" ? alt.address : layout.primary.address,
    port: role[1] === "A" ? alt.port : layout.primary.port,
  };
}

const flip = (c: string): string => (c === "P" ? "A" : "P");

/**
 * RFC 5780 §6.1 Table 1: a response to a request received on `received` leaves from the other address if
 * "change IP" is set and from the other port if "change port" is set.
 */
export function responseRole(received: Role, change: { changeIp: boolean; changePort: boolean }): Role {
  const a = change.changeIp ? flip(received[0] ?? "P") : received[0];
  const p = change.changePort ? flip(received[1] ?? "P") : received[1];
  return `${a}${p}` as Role;
}

/**
 * OTHER-ADDRESS (RFC 5780 §7.4): the address and port that differ in both parts from where the request
 * arrived (Ca:Cp); `undefined` without an alternate, when it must be left out.
 */
export function otherAddress(layout: ListenerLayout, received: Role): Endpoint | undefined {
  if (!layout.alternate) return undefined;
  return roleEndpoint(layout, responseRole(received, { changeIp: true, changePort: true }));
}
