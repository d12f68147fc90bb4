# syntax=docker/dockerfile:1
# portkey-mock: a stand-in for Portkey's control-plane admin API, for integration tests.
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-slim AS build
# better-sqlite3 compiles from source wherever its prebuilt binary cannot be downloaded; the
# official images carry Node's headers in /usr/local.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
ENV npm_config_nodedir=/usr/local
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts wait until the sources are here (`prepare` builds them); the native addon is built now.
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
RUN npm run build && npm prune --omit=dev

FROM node:${NODE_VERSION}-slim
ENV NODE_ENV=production \
    PORTKEY_MOCK_HOST=0.0.0.0 \
    PORTKEY_MOCK_PORT=8788
WORKDIR /app
# The app's files stay root-owned and read-only to the process; only /data is writable.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY migrations ./migrations
COPY openapi/openapi.yaml openapi/openapi.json ./openapi/
COPY fixtures ./fixtures
RUN mkdir /data && chown node:node /data
# Set PORTKEY_MOCK_DB=/data/portkey-mock.db to keep the store across restarts.
VOLUME ["/data"]
USER node
EXPOSE 8788
# Slim images have no curl: node's own fetch asks the readiness route. While starting it asks every
# second (Docker 25 and later), so that dependents wait about a second, not a whole interval.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --start-interval=1s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORTKEY_MOCK_PORT + '/__mock/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM itself.
CMD ["node", "dist/portkey-mock.js"]
