#!/usr/bin/env sh
# `npm run bench`: bench/run.ts on a supported Node.js (see scripts/supportedNode.sh).
set -eu
cd "$(dirname "$0")/.."
SUPPORTED_NODE_DIR=node_modules/.cache/node24
. scripts/supportedNode.sh
exec node node_modules/tsx/dist/cli.mjs bench/run.ts "$@"
