#!/usr/bin/env bash
# The demo of SPEC §1 (`tools/dev run` runs `tools/demo.sh <build dir>`): a local
# `smppgw-sim smsc` plays the carrier on 127.0.0.1:2775 (system_id demo / password demo,
# delivery receipts on) and `smppgwd --config conf/dev.yaml` binds to it. The sim reads
# control commands from the FIFO var/sim.ctl (tools/sim/README.md), so a test MO is one
# `echo` away. Ctrl-C stops both. With --postgresql (`tools/dev run --postgresql`) the store
# is a throwaway PostgreSQL cluster in var/pg (tools/pg-cluster: fsync on, a unix socket
# only), removed at the end; conf/dev.yaml is used with its store section pointed there.
set -euo pipefail

BUILD=${1:?usage: tools/demo.sh <build dir> [--postgresql]}
BACKEND=lmdb
case "${2:-}" in
  "") ;;
  --postgresql) BACKEND=postgresql ;;
  *) echo "usage: tools/demo.sh <build dir> [--postgresql]" >&2; exit 2 ;;
esac
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$(cd "$BUILD" && pwd)
SIM=$BUILD/tools/sim/smppgw-sim
DAEMON=$BUILD/daemon/smppgwd
CONFIG=conf/dev.yaml
ADMIN=http://127.0.0.1:8080
SMSC_PORT=2775

for exe in "$SIM" "$DAEMON"; do
  if [ ! -x "$exe" ]; then
    echo "demo: $exe is not built; run 'tools/dev build' first." >&2
    exit 1
  fi
done

# conf/dev.yaml keeps its state under ./var, relative to the repository root.
cd "$ROOT"
mkdir -p var
CTL=var/sim.ctl
EVENTS=var/sim.events
SIM_LOG=var/sim.log
if [ ! -p "$CTL" ]; then
  rm -f "$CTL"
  mkfifo "$CTL"
fi
: >"$EVENTS"

SIM_PID=
DAEMON_PID=
TAIL_PID=
PG_DIR=
stop() {
  trap - INT TERM EXIT
  echo
  echo "demo: stopping"
  if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
    kill -TERM "$DAEMON_PID" 2>/dev/null || true
    wait "$DAEMON_PID" 2>/dev/null || true
  fi
  if [ -n "$SIM_PID" ] && kill -0 "$SIM_PID" 2>/dev/null; then
    kill -TERM "$SIM_PID" 2>/dev/null || true
    wait "$SIM_PID" 2>/dev/null || true
  fi
  if [ -n "$TAIL_PID" ]; then
    kill "$TAIL_PID" 2>/dev/null || true
  fi
  if [ -n "$PG_DIR" ]; then
    "$ROOT/tools/pg-cluster" stop "$PG_DIR" || echo "demo: could not stop PostgreSQL in $PG_DIR" >&2
  fi
}
trap stop INT TERM EXIT

# The sim's stdin is the FIFO opened read-write, so it never sees end-of-input when an
# `echo ... > var/sim.ctl` closes its end.
"$SIM" smsc --listen "127.0.0.1:$SMSC_PORT" --system-id demo --password demo \
  --receipts --receipt-delay 1s --control stdin <>"$CTL" >"$EVENTS" 2>"$SIM_LOG" &
SIM_PID=$!

for _ in $(seq 50); do
  grep -q '"event":"listening"' "$EVENTS" 2>/dev/null && break
  if ! kill -0 "$SIM_PID" 2>/dev/null; then
    echo "demo: smppgw-sim did not start:" >&2
    cat "$SIM_LOG" >&2
    exit 1
  fi
  sleep 0.1
done
tail -n +1 -F "$EVENTS" 2>/dev/null | sed -u 's/^/[carrier] /' &
TAIL_PID=$!

STORE_LINE="LMDB in var/store"
if [ "$BACKEND" = postgresql ]; then
  PG_DIR=$ROOT/var/pg
  if [ -e "$PG_DIR" ]; then
    "$ROOT/tools/pg-cluster" stop "$PG_DIR" >/dev/null 2>&1 || rm -rf "$PG_DIR"
  fi
  PG_URL=$("$ROOT/tools/pg-cluster" start "$PG_DIR")
  # The same configuration, its store on the cluster (map_size/durability are LMDB's keys).
  STORE_YAML="store: { backend: postgresql, postgresql: { url: \"$PG_URL\", password_file: $PG_DIR/password } }"
  while IFS= read -r line; do
    case "$line" in
      store:*) printf '%s\n' "$STORE_YAML" ;;
      *) printf '%s\n' "$line" ;;
    esac
  done <conf/dev.yaml >var/dev-postgresql.yaml
  CONFIG=var/dev-postgresql.yaml
  STORE_LINE="PostgreSQL (throwaway, var/pg): $PG_URL"
fi

"$DAEMON" --config "$CONFIG" &
DAEMON_PID=$!

TOKEN_FILE=$ROOT/var/admin.token
for _ in $(seq 100); do
  [ -s "$TOKEN_FILE" ] && break
  kill -0 "$DAEMON_PID" 2>/dev/null || break
  sleep 0.1
done
if ! kill -0 "$DAEMON_PID" 2>/dev/null; then
  echo "demo: smppgwd exited; see its messages above." >&2
  exit 1
fi

cat <<EOF

==================================================================================
 smppgw demo is running
   admin page and API : $ADMIN/
   admin token file   : $TOKEN_FILE
   demo carrier       : smppgw-sim smsc on 127.0.0.1:$SMSC_PORT (its events: var/sim.events)
   store              : $STORE_LINE
 send a test MO (a subscriber texts SPRING to short code 12345):
   echo 'mo +14155550100 12345 SPRING' > var/sim.ctl
 more carrier commands (receipt, drop, stats, ...): tools/sim/README.md
 Ctrl-C stops both.
==================================================================================

EOF

# Run until Ctrl-C or until one of the two exits.
set +e
wait -n "$SIM_PID" "$DAEMON_PID"
echo "demo: a process exited" >&2
