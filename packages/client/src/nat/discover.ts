/**
 * `getNATInfo()`: runs the RFC 5780 tests over UDP and hands what it saw to the pure classifier.
 *
 * Socket A: test I against every server (the first that names an OTHER-ADDRESS is used for the rest, else the
 * first that answered), the hairpinning test (§4.5), and last tests II and III (§4.3, mapping). Socket B, fresh
 * and run before anything is sent to the alternate address, so that nothing can have opened a filter for it:
 * test I, then CHANGE-REQUEST IP+port and port only side by side (§4.4, filtering). Behind a filtering NAT the
 * probe takes about one retransmission schedule (≈ 2.75 s by default: the unanswered filtering tests) plus a few
 * round trips; UDP blocked takes one schedule.
 */
import { lookup } from "node:dns/promises";
import { networkInterfaces } from "node:os";
import { isIP } from "node:net";
import { classify, type NatObservations, type OtherServerMapping } from "./classify.js";
import { sameEndpoint, type Endpoint, type NATInfo } from "./nat-info.js";
import { formatStunServer, parseStunServer, type StunServerAddress } from "./server-address.js";
import { StunSocket, type BindingResponse, type RetransmitOptions } from "./stun-socket.js";

export interface NATDiscoveryOptions {
  /** STUN servers ("host:port", "host", "stun:host:port"), tried together; at least one. */
  readonly servers: readonly (string | StunServerAddress)[];
  readonly retransmit?: RetransmitOptions;
  /** Local address the probe sockets bind to (default: all). */
  readonly bindAddress?: string;
}

export class NATDiscoveryError extends Error {
  constructor(
    readonly code: "bad_stun_server" | "no_stun_server" | "stun_server_unresolvable",
    message: string,
  ) {
    super(message);
    this.name = "NATDiscoveryError";
  }
}

interface ResolvedServer {
  readonly label: string;
  readonly endpoint: Endpoint;
  readonly family: 4 | 6;
}

async function resolve(server: string | StunServerAddress): Promise<ResolvedServer> {
  let parsed: StunServerAddress;
  try {
    parsed = typeof server === "string" ? parseStunServer(server) : server;
  } catch (err) {
    throw new NATDiscoveryError("bad_stun_server", (err as Error).message);
  }
  const label = formatStunServer(parsed);
  const literal = isIP(parsed.host);
  if (literal !== 0) {
    return { label, endpoint: { address: parsed.host, port: parsed.port }, family: literal === 6 ? 6 : 4 };
  }
  try {
    const r = await lookup(parsed.host);
    return { label, endpoint: { address: r.address, port: parsed.port }, family: r.family === 6 ? 6 : 4 };
  } catch {
    throw new NATDiscoveryError("stun_server_unresolvable", `cannot resolve STUN server ${label}`);
  }
}

function localAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
}

/** A response from where the CHANGE-REQUEST asked it to come from, i.e. proof the filter let it through. */
function changedAsAsked(
  r: BindingResponse | null,
  primary: Endpoint,
  changeIp: boolean,
): boolean | undefined {
  if (r === null) return false;
  if (r.errorCode !== undefined) return undefined; // the server refused the test: nothing learned
  const ipChanged = r.from.address !== primary.address;
  const portChanged = r.from.port !== primary.port;
  if (ipChanged !== changeIp || !portChanged) return undefined; // the server did not do what was asked
  return true;
}

/** Finds this host's NAT behaviour (RFC 5780) through the given STUN servers. */
export async function getNATInfo(options: NATDiscoveryOptions): Promise<NATInfo> {
  if (options.servers.length === 0) {
    throw new NATDiscoveryError("no_stun_server", "getNATInfo needs at least one STUN server");
  }
  const all = await Promise.all(options.servers.map(resolve));
  const family = all[0].family;
  const servers = all.filter((s) => s.family === family);
  const retransmit = options.retransmit ?? {};
  const a = await StunSocket.open(family, options.bindAddress);
  const sockets = [a];
  try {
    const answers = await Promise.all(servers.map((s) => a.binding({ to: s.endpoint }, retransmit)));
    const answered = servers
      .map((server, i) => ({ server, r: answers[i] }))
      .filter(
        (x): x is { server: ResolvedServer; r: BindingResponse & { mapped: Endpoint } } =>
          x.r?.mapped !== undefined,
      );
    const chosen = answered.find((x) => x.r.otherAddress !== undefined) ?? answered[0];
    const base = { localAddress: a.local, localAddresses: localAddresses() };
    if (chosen === undefined) return classify({ ...base, testI: null, otherServers: [] });

    const primary = chosen.server.endpoint;
    const m1 = chosen.r.mapped;
    const other = chosen.r.otherAddress;
    const otherServers: OtherServerMapping[] = answered
      .filter((x) => x !== chosen)
      .map((x) => ({ serverAddress: x.server.endpoint.address, mapped: x.r.mapped }));
    const observed: NatObservations = {
      ...base,
      server: chosen.server.label,
      serverAddress: primary.address,
      testI: { mapped: m1, ...(other && { otherAddress: other }) },
      otherServers,
    };
    const behindNat = !(base.localAddresses.includes(m1.address) && m1.port === a.local.port);

    const mappingTests = async (): Promise<Pick<NatObservations, "testII" | "testIII">> => {
      if (other === undefined || !behindNat) return {};
      const ii = await a.binding({ to: { address: other.address, port: primary.port } }, retransmit);
      const m2 = ii?.mapped ?? null;
      if (m2 === null || sameEndpoint(m2, m1)) return { testII: m2 };
      const iii = await a.binding({ to: other }, retransmit);
      return { testII: m2, testIII: iii?.mapped ?? null };
    };
    const filteringTests = async (): Promise<
      Pick<NatObservations, "filterChangeIpPort" | "filterChangePort">
    > => {
      if (other === undefined) return {};
      const b = await StunSocket.open(family, options.bindAddress);
      sockets.push(b);
      const first = await b.binding({ to: primary }, retransmit);
      if (first?.mapped === undefined) return {};
      const [both, port] = await Promise.all([
        b.binding({ to: primary, changeIp: true, changePort: true }, retransmit),
        b.binding({ to: primary, changePort: true }, retransmit),
      ]);
      const ipPort = changedAsAsked(both, primary, true);
      const portOnly = changedAsAsked(port, primary, false);
      return {
        ...(ipPort !== undefined && { filterChangeIpPort: ipPort }),
        ...(portOnly !== undefined && { filterChangePort: portOnly }),
      };
    };
    const hairpinTest = async (): Promise<Pick<NatObservations, "hairpin">> =>
      behindNat ? { hairpin: await a.hairpin(m1, retransmit) } : {};

    // Filtering first: a NAT that keeps its filter per destination address (not per mapping) would otherwise
    // let socket B's answers in because socket A had already written to the alternate address.
    const [filtering, hairpin] = await Promise.all([filteringTests(), hairpinTest()]);
    const mapping = await mappingTests();
    return classify({ ...observed, ...mapping, ...filtering, ...hairpin });
  } finally {
    for (const s of sockets) s.close();
  }
}
