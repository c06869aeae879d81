#!/usr/bin/env bash
# The demo of SPEC §1 (tools/dev run). Filled in when smppgwd and smppgw-sim exist.
set -euo pipefail
BUILD=${1:?build dir}
if [ ! -x "$BUILD/tools/sim/smppgw-sim" ] || [ ! -x "$BUILD/daemon/smppgwd" ]; then
  echo "smppgwd and smppgw-sim are not built yet; run 'tools/dev test' for what exists." >&2
  exit 1
fi
