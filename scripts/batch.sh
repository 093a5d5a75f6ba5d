#!/usr/bin/env bash
# npm run batch -- <task> [--dry-run] [--json]: one run of a cite-batch task against the platform `npm start` runs
# (its etcd, cluster and search engine, read from <local dir>/run/batch.env, which the launcher writes). Variables
# already set in the environment win, so the same command works against any cite: CITE_ETCD_ENDPOINTS=… npm run batch -- gc
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ ! -f "$ROOT/dist/apps/batch/main.mjs" || "${CITE_BATCH_REBUILD:-}" == 1 ]]; then
  bash "$ROOT/scripts/with-node.sh" "$ROOT/scripts/build.mjs" batch >/dev/null
fi
LOCAL_DIR="${CITE_LOCAL_DIR:-$ROOT/.local}"
if [[ -f "$LOCAL_DIR/run/batch.env" ]]; then
  # shellcheck source=/dev/null
  source "$LOCAL_DIR/run/batch.env"
elif [[ -z "${CITE_ETCD_ENDPOINTS:-}" && " $* " != *" --help "* && $# -gt 0 ]]; then
  echo "cite-batch: no running cite found ($LOCAL_DIR/run/batch.env is missing): start it with npm start, or set CITE_ETCD_ENDPOINTS and CITE_KUBECONFIG" >&2
  exit 2
fi
exec bash "$ROOT/scripts/with-node.sh" "$ROOT/dist/apps/batch/main.mjs" "$@"
