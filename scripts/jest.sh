#!/usr/bin/env bash
# Jest on Node 22 in native ESM mode. Arguments pass through (e.g. --selectProjects store, a path, -t name).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export NODE_OPTIONS="${NODE_OPTIONS:-} --experimental-vm-modules --no-warnings=ExperimentalWarning --max-old-space-size=12288"
exec bash "$ROOT/scripts/with-node.sh" "$ROOT/node_modules/jest/bin/jest.js" "$@"
