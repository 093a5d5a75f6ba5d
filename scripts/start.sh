#!/usr/bin/env bash
# npm start: install what is missing, build, and run the whole local platform on loopback.
# The launcher replaces this shell (exec, and with-node.sh execs Node), so a signal sent to this process is a
# signal to the launcher, which stops everything it started. While the install and build steps run, a SIGINT or
# SIGTERM sent to this shell is passed on to the step (as SIGTERM: a background step ignores SIGINT), and the
# script ends once the step has.
# CITE_START_PREBUILT=<launcher bundle> (tests): run that bundle (its apps beside it) instead of building dist/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

step_pid=
pass_on() {
  trap '' INT TERM
  if [[ -n "$step_pid" ]]; then
    kill -TERM "$step_pid" 2>/dev/null || true
    wait "$step_pid" || true
  fi
  exit "$1"
}
trap 'pass_on 130' INT
trap 'pass_on 143' TERM

# Runs one step in the background (keeping this terminal as its input) and waits for it, so a signal is handled
# at once rather than after the step.
step() {
  "$@" <&0 &
  step_pid=$!
  wait "$step_pid"
  step_pid=
}

step bash "$ROOT/scripts/ensure-deps.sh"
launcher="${CITE_START_PREBUILT:-$ROOT/dist/apps/launcher/main.mjs}"
if [[ -z "${CITE_START_PREBUILT:-}" ]]; then step bash "$ROOT/scripts/with-node.sh" "$ROOT/scripts/build.mjs"; fi
trap - INT TERM
exec bash "$ROOT/scripts/with-node.sh" "$launcher"
