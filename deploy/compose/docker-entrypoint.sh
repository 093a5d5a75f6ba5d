#!/bin/sh
# The cite image's entrypoint: the first argument picks the program, the rest are its arguments.
#   api | deployer | watcher | local-cluster    a long-running app (configured by CITE_* environment variables)
#   batch <task> [--dry-run] [--json]           one run of a batch task (gc, etcd-backup, etcd-restore [FILE], …)
#   cite <command> …                            the command line client (CITE_URL, CITE_TOKEN)
# `exec` makes the app the container's main process, so `docker stop`'s SIGTERM reaches its own handler.
set -eu

usage() {
  cat <<'USAGE'
usage: docker run [options] IMAGE PROGRAM [ARGS…]
  api | deployer | watcher | local-cluster   run that app (settings: CITE_* environment variables)
  batch <task> [--dry-run] [--json]          run one batch task (gc, etcd-backup, etcd-restore, log-retention, health-check, node-report)
  cite <command> …                           the cite command line (CITE_URL and CITE_TOKEN say where and who)
USAGE
}

program="${1:-}"
case "$program" in
  api | deployer | watcher | local-cluster)
    shift
    exec node --enable-source-maps "/app/dist/apps/$program/main.mjs" "$@"
    ;;
  batch)
    shift
    exec node --enable-source-maps /app/dist/apps/batch/main.mjs "$@"
    ;;
  cite)
    shift
    exec node /app/dist/apps/cli/cite.mjs "$@"
    ;;
  help | -h | --help)
    usage
    ;;
  *)
    if [ -z "$program" ]; then echo "cite image: name a program to run" >&2; else echo "cite image: unknown program \"$program\"" >&2; fi
    usage >&2
    exit 64
    ;;
esac
