# syntax=docker/dockerfile:1
# agentwatch: the live service (`run`, the default command) and every other CLI command.
#
#   docker build -t agentwatch .
#   docker run --rm -e AGENTWATCH_KAFKA_BROKERS=kafka:9092 -p 9464:9464 agentwatch
#   docker run --rm -v "$PWD/logs:/data:ro" agentwatch replay /data/events.jsonl.gz --output - --no-progress   # alerts on stdout
#
# docker-compose.yml runs it next to a Kafka broker.

# ---- build: compile TypeScript with the dev dependencies --------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` builds, and the sources are not here yet (better layer caching).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The build also writes dist/validators (ajv standalone code, so start-up compiles no schema).
COPY scripts/build ./scripts/build
RUN npm run build

# ---- runtime: production dependencies and the compiled code only, as a non-root user ------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist ./dist
COPY bin ./bin
COPY schemas ./schemas
COPY fixtures/demo ./fixtures/demo
# The default baselines and the packs (baselines/packs/aws…), usable as --baselines /app/baselines/packs/aws;
# mount your own folder over it (read-only) and set AGENTWATCH_BASELINES_DIR=/app/baselines.
COPY baselines ./baselines
# State (AGENTWATCH_STATE_DIR: delivery queues) must be writable by `node`. A named volume mounted
# here starts as a copy of this folder, ownership included, so compose's volume is writable too.
ENV AGENTWATCH_STATE_DIR=/var/lib/agentwatch
RUN mkdir -p /var/lib/agentwatch && chown node:node /var/lib/agentwatch
# The image's unprivileged `node` user (uid 1000); the code stays owned by root, read-only to it.
USER node
# Prometheus /metrics of `agentwatch run`.
EXPOSE 9464
ENTRYPOINT ["node", "bin/agentwatch.js"]
CMD ["run"]
