# syntax=docker/dockerfile:1
# The Traitbase service: one image for every role (TRAITBASE_ROLE=api|worker|all).
# docker compose --profile app up --build   (see docker-compose.yml)

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
# Notebook sources execute notebooks with this python (NOTEBOOK_PYTHON=/usr/bin/python3).
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 jupyter-nbconvert python3-nbclient \
     python3-ipykernel python3-pandas python3-sklearn python3-psycopg2 \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/trait-definitions ./trait-definitions
COPY --from=build /app/notebooks ./notebooks
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Applies pending migrations under an advisory lock, then serves; SIGTERM drains and exits.
# The heap limit of docs/configuration.md (TRAITBASE_HEAP_MB): set NODE_OPTIONS to change it.
ENV NODE_OPTIONS=--max-old-space-size=512
CMD ["node", "dist/src/main.js"]
