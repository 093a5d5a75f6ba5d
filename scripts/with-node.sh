#!/usr/bin/env bash
# Runs a script with the project's own Node 22 (the npm `node` package in node_modules), installing first if needed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE="$ROOT/node_modules/node/bin/node"
if [[ ! -x "$NODE" ]]; then bash "$ROOT/scripts/ensure-deps.sh" npm; fi
cd "$ROOT"
export PATH="$ROOT/node_modules/node/bin:$ROOT/node_modules/.bin:$PATH"
exec "$NODE" "$@"
