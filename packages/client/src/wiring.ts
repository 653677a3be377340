import { DeferredReports } from "./analytics/deferred-reports.js";
import { establishedReport, failedReport } from "./analytics/outcome-report.js";
import { handleFrame } from "./channel/frame-handler.js";
import { ChatLog } from "./chat/chat-log.js";
import { ChatService } from "./chat/chat-service.js";
import { discoveryTransport } from "./discovery/deferred.js";
import { sync, type ClientContext } from "./context.js";
import type { SessionSigner } from "./crypto/sdp-signer.js";
import { TypedEmitter, type ClientEventMap } from "./events.js";
import { HostControls } from "./host/host-controls.js";
import { LocalMedia } from "./media/local-media.js";
import { DEFAULT_DIRECT_FIRST_MS, validateOptions, type ClientOptions } from "./options.js";
import { Connections } from "./peer/connections.js";
import { iceServerList } from "./peer/ice-servers.js";
import { Meetings } from "./room/meetings.js";
import { Roster } from "./room/roster.js";
import { handleServerMessage } from "./room/server-events.js";
import { SignalingSession, type SignalingSessionOptions } from "./signaling/session.js";
import type { SignalingTransport } from "./signaling/transport.js";
import { ClientStores } from "./state/client-stores.js";

/** The modules of one client, wired together. */
export interface ClientParts {
  readonly ctx: ClientContext;
  readonly meetings: Meetings;
  readonly chat: ChatService;
  readonly host: HostControls;
  readonly media: LocalMedia;
  /** Sends the waiting connection reports now (the session is about to close). */
  flushReports(): void;
  setSigner(signer: SessionSigner | undefined): void;
}

/** Builds the signaling transport, the peer connections and the rest, and connects their callbacks. */
export function wireClient(opts: ClientOptions): ClientParts {
  const WebSocketImpl = validateOptions(opts);
  const events = new TypedEmitter<ClientEventMap>();
  const stores = new ClientStores();
  let signer: SessionSigner | undefined;
  // The modules below reach each other through `ctx`; it is complete before any callback can run.
  const late = {} as {
    session: SignalingTransport;
    connections: Connections;
    meetings: Meetings;
    chat: ChatService;
  };
  const ctx: ClientContext = {
    opts,
    events,
    stores,
    roster: new Roster(),
    chatLog: new ChatLog(),
    signer: () => signer,
    iceServers: () => iceServerList(late.session.welcome?.iceServers, opts.iceServers),
    get session() {
      return late.session;
    },
    get connections() {
      return late.connections;
    },
  };
  const sessionOpts: SignalingSessionOptions = {
    url: opts.signalingUrl ?? "",
    WebSocket: WebSocketImpl,
    ...(opts.token ? { token: opts.token } : {}),
    ...(opts.backoff ? { backoff: opts.backoff } : {}),
    ...(opts.requestTimeoutMs ? { requestTimeoutMs: opts.requestTimeoutMs } : {}),
    onMessage: (m) => handleServerMessage(ctx, late.meetings, late.chat, m),
    onState: (state) => {
      sync.session(ctx);
      events.emit("signalingState", { state });
    },
    onNewSession: (w, prev) => late.meetings.rejoin(w, prev),
  };
  late.session =
    opts.signalingTransport?.(sessionOpts) ??
    discoveryTransport(opts, WebSocketImpl)?.(sessionOpts) ??
    new SignalingSession(sessionOpts);
  const sendMedia = () => {
    const m = stores.media.get();
    if (m.stream) late.connections.addTracks(m.stream.getTracks(), m.stream);
    if (m.screen) late.connections.addTracks(m.screen.getTracks(), m.screen);
  };
  const reports = new DeferredReports((m) => late.session.send(m));
  late.connections = new Connections({
    rtc: opts.rtc,
    selfId: () => late.session.welcome?.sessionId ?? "",
    iceServers: ctx.iceServers,
    relayOnly: opts.iceTransportPolicy === "relay",
    prepareConnections: opts.prepareConnections !== false,
    signer: () => signer,
    sendSignal: (to, roomId, data) => late.session.send({ type: "signal", roomId, to, data }),
    onEstablished: (info, iceRestart) => {
      sync.connections(ctx);
      sendMedia();
      events.emit("connectionEstablished", info);
      reports.add(establishedReport(info, iceRestart)); // off the connection's first moments
    },
    onClosed: (peerId, reason, err, setupMs) => {
      if (err) {
        late.session.send(failedReport(reason, setupMs));
        events.emit("error", err);
      }
      sync.connections(ctx);
      events.emit("connectionClosed", { peerId, reason });
    },
    onFrame: (peerId, frame) => handleFrame(ctx, late.chat, peerId, frame),
    onTrack: (peerId, track, streams) => events.emit("track", { peerId, track, streams }),
    onError: (err) => events.emit("error", err),
    ...(opts.connectTimeoutMs ? { connectTimeoutMs: opts.connectTimeoutMs } : {}),
    directFirstMs: opts.directFirstMs ?? DEFAULT_DIRECT_FIRST_MS,
  });
  late.meetings = new Meetings(ctx);
  late.chat = new ChatService(ctx);
  const media = new LocalMedia({
    senders: () => late.connections.senders(),
    onChange: (m) => {
      stores.media.set(m);
      sendMedia();
      for (const roomId of ctx.roster.rooms) late.session.send({ type: "update", roomId, state: m.state });
    },
  });
  return {
    ctx,
    meetings: late.meetings,
    chat: late.chat,
    host: new HostControls((m) => late.session.request(m)),
    media,
    flushReports: () => reports.flush(),
    setSigner: (s) => {
      signer = s;
    },
  };
}
