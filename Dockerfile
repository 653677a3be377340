# syntax=docker/dockerfile:1
# One image recipe for every Switchboard service, chosen by the SERVICE build argument; built from the repository
# root (the compose files do this), e.g.
#   docker build --build-arg SERVICE=turn --build-arg "PORTS=3479/udp 3479/tcp 5349/tcp 9479/tcp" -t switchboard/turn .
# SERVICE    stun | turn | signaling | tracker
# PORTS      what the image declares (EXPOSE): the service's listeners and its admin port (/health, /stats, /metrics)
#            stun 3478/udp 3478/tcp 9478/tcp · turn 3479/udp 3479/tcp 5349/tcp 9479/tcp · signaling 8080/tcp ·
#            tracker 8000/tcp 8000/udp

ARG NODE_IMAGE=node:24-bookworm-slim
# The build stage compiles the batched-UDP addon of @switchboard/datagram (stun, turn, tracker) and the tracker's
# addon (its C swarm store, services/tracker/native): an image with a C compiler and Node's headers (the full node image has both); the runtime image only needs glibc, which both share.
ARG BUILD_IMAGE=node:24-bookworm

# 1. Only the workspaces this service needs (turbo prune), split into manifests (json/) and sources (full/).
FROM ${NODE_IMAGE} AS prune
ARG SERVICE
ARG PORTS
WORKDIR /src
ENV TURBO_TELEMETRY_DISABLED=1
COPY . .
RUN case "$SERVICE" in stun|turn|signaling|tracker) ;; *) echo "build with --build-arg SERVICE=stun|turn|signaling|tracker (got '$SERVICE')" >&2; exit 1;; esac \
 && if [ -z "$PORTS" ]; then echo "build with --build-arg PORTS='<the service's ports, e.g. 8080/tcp>'" >&2; exit 1; fi \
 && npx --yes turbo@2.11.11 prune "@switchboard/$SERVICE" --docker --out-dir /out

# 2. Install from the pruned lockfile (cached until a manifest changes), then build the service and its packages.
#    `npm install`, not `npm ci`: the lockfile lacks some other platforms' optional binaries (turbo's), which makes
#    `npm ci` refuse it; install keeps the locked versions of everything present.
FROM ${BUILD_IMAGE} AS build
ARG SERVICE
WORKDIR /app
ENV TURBO_TELEMETRY_DISABLED=1
COPY --from=prune /out/json/ ./
RUN npm install --ignore-scripts --no-audit --no-fund
COPY --from=prune /out/full/ ./
COPY --from=prune /src/tsconfig.base.json ./
RUN npx turbo run build "--filter=@switchboard/$SERVICE..." \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && find packages services -mindepth 2 -maxdepth 2 \( -name src -o -name test -o -name "tsconfig*.json" \) -exec rm -rf {} + \
 && find . -name "*.tsbuildinfo" -delete \
 && printf 'import "./services/%s/dist/main.js";\n' "$SERVICE" > main.js

# 3. Runtime: production dependencies and compiled JavaScript only, as the unprivileged "node" user. main.js starts
#    the chosen service (services/$SERVICE/dist/main.js); the health check asks that service's admin port.
FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ARG PORTS
# Node/V8 flags for this service (compose passes the tracker's young-generation cap and single-threaded GC,
# docs/BENCHMARKS.md). Given on the command line, not as NODE_OPTIONS: Node refuses most V8 flags there
# (--single-threaded-gc among them).
ARG NODE_FLAGS=""
ENV NODE_ENV=production
ENV NODE_FLAGS=${NODE_FLAGS}
ENV SWITCHBOARD_SERVICE=${SERVICE}
WORKDIR /app
COPY --from=build --chown=root:root /app ./
USER node
EXPOSE ${PORTS}
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "const e = process.env; const port = { stun: e.STUN_ADMIN_PORT || 9478, turn: e.TURN_ADMIN_PORT || 9479, signaling: e.SIGNALING_PORT || 8080, tracker: e.TRACKER_PORT || 8000 }[e.SWITCHBOARD_SERVICE]; fetch('http://127.0.0.1:' + port + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["/bin/sh", "-c", "exec node $NODE_FLAGS main.js"]
