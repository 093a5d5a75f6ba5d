#!/usr/bin/env bash
# npm test: install what is missing, then lint, typecheck and every project's tests against throwaway
# etcd and Redis on free ports. Ends with "N passed, N failed"; non-zero exit on any failure.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/ensure-deps.sh"
exec bash "$ROOT/scripts/with-node.sh" "$ROOT/scripts/run-tests.mjs" "$@"
