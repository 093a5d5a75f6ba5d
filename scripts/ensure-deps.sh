#!/usr/bin/env bash
# Installs whatever is missing for cite to run and test on Debian 12: etcd-server, redis-server and docker-registry
# from Debian, and the npm packages (which bring Node 22). Idempotent and quick when nothing is missing.
# Usage: ensure-deps.sh [system] [npm]   (both when no argument)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
want="${*:-system npm}"

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "cite: need root (or sudo) to run: $*" >&2; exit 1
  fi
}

if [[ " $want " == *" system "* ]]; then
  missing=()
  command -v etcd >/dev/null || missing+=(etcd-server)
  command -v redis-server >/dev/null || missing+=(redis-server)
  # Docker Registry v2 (/usr/bin/docker-registry): the deployer's image checks are tested against it.
  command -v docker-registry >/dev/null || missing+=(docker-registry)
  if ((${#missing[@]})); then
    echo "cite: installing Debian packages: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq >&2
    as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  fi
fi

if [[ " $want " == *" npm "* ]]; then
  cd "$ROOT"
  stamp="node_modules/.cite-lock.sha256"
  hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [[ ! -x node_modules/node/bin/node || ! -f "$stamp" || "$(cat "$stamp")" != "$hash" ]]; then
    echo "cite: installing npm packages (npm ci)" >&2
    npm ci --no-audit --no-fund --loglevel=error >&2
    echo "$hash" > "$stamp"
  fi
fi
