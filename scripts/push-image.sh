#!/usr/bin/env bash
# npm run push-image -- demo/web:1 [...]: push minimal images into the registry `npm start` runs.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ ! -f "$ROOT/dist/apps/launcher/push-image.mjs" ]]; then
  bash "$ROOT/scripts/with-node.sh" "$ROOT/scripts/build.mjs" launcher >/dev/null
fi
exec bash "$ROOT/scripts/with-node.sh" "$ROOT/dist/apps/launcher/push-image.mjs" "$@"
