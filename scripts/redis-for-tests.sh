# Sourced by test.sh: starts a throwaway redis-server on a free loopback port unless REDIS_URL is set or a Docker
# engine is reachable (then @switchboard/test-support starts Redis containers with testcontainers), exports
# REDIS_URL, and stops it when the shell exits.
if [ -z "${REDIS_URL:-}" ] && docker info >/dev/null 2>&1; then
  echo "a Docker engine is reachable: the Redis suites use containers (testcontainers)"
elif [ -z "${REDIS_URL:-}" ]; then
  REDIS_DIR=$(mktemp -d)
  REDIS_PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$REDIS_DIR" --daemonize yes \
    --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" >/dev/null
  trap 'kill "$(cat "$REDIS_DIR/redis.pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$REDIS_DIR"' EXIT
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -p "$REDIS_PORT" ping >/dev/null
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
  echo "redis at $REDIS_URL"
fi
