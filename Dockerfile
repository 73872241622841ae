# issue-agent: the webhook app (`node lib/main.js`); the same image runs workers with
# `node lib/worker.js`. Build: docker build -t issue-agent .   Run it: compose.yaml, or the README's
# `docker run` lines. The sandbox (bubblewrap) needs user namespaces and a fresh /proc inside the
# container: run job-running containers with
#   --security-opt seccomp=unconfined --security-opt apparmor=unconfined --security-opt systempaths=unconfined
# (compose.yaml sets them on the worker). Without them the start-up check says so and /readyz is 503.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && mkdir -p src/agent/prompts

FROM node:24-bookworm-slim
# git for workspaces, bubblewrap for the sandbox, ripgrep for the agent's search tool.
RUN apt-get update \
  && apt-get install -y --no-install-recommends git bubblewrap ripgrep ca-certificates \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    LOG_FORMAT=json \
    AGENT_DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/lib ./lib
COPY --from=build /app/src/agent/prompts ./src/agent/prompts
COPY app.yml agent.schema.json ./
COPY bin ./bin
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# Readiness, not just liveness: a container whose sandbox cannot run jobs, or whose queue (Redis)
# is unreachable, is reported unhealthy, and `docker inspect` shows /readyz's JSON with the fix.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "lib/main.js"]
