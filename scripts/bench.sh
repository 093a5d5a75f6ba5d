#!/usr/bin/env bash
# npm run bench [name…]: builds and runs the benchmarks under bench/ (each starts what it needs on loopback)
# and prints their figures. Record the figures in README.md's Benchmarks section.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/ensure-deps.sh"
exec bash "$ROOT/scripts/with-node.sh" "$ROOT/scripts/run-bench.mjs" "$@"
