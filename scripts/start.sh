#!/usr/bin/env bash
# npm start: install what is missing, build, and run the whole local platform on loopback.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/ensure-deps.sh"
bash "$ROOT/scripts/with-node.sh" "$ROOT/scripts/build.mjs"
exec bash "$ROOT/scripts/with-node.sh" "$ROOT/dist/apps/launcher/main.mjs"
