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
RUN npm run build

FROM node:${NODE_VERSION}-slim
ENV NODE_ENV=production \
    PORTKEY_MOCK_HOST=0.0.0.0 \
    PORTKEY_MOCK_PORT=8788
WORKDIR /app
# The app's files stay root-owned and read-only to the process; only /data is writable. The program
# is one bundled file: of the dependencies it loads only better-sqlite3 (its JavaScript and the built
# addon, not the SQLite sources and object files it was built from) with its loader, and the YAML
# parser for a YAML fixture.
COPY --from=build /app/node_modules/better-sqlite3/package.json ./node_modules/better-sqlite3/
COPY --from=build /app/node_modules/better-sqlite3/lib ./node_modules/better-sqlite3/lib
COPY --from=build /app/node_modules/better-sqlite3/build/Release/better_sqlite3.node ./node_modules/better-sqlite3/build/Release/
COPY --from=build /app/node_modules/bindings ./node_modules/bindings
COPY --from=build /app/node_modules/file-uri-to-path ./node_modules/file-uri-to-path
COPY --from=build /app/node_modules/yaml ./node_modules/yaml
COPY --from=build /app/dist/portkey-mock.js ./dist/
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
