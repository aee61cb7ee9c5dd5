# Sourced by ./optio and .ci/run: puts a Node >= 22 first on PATH and installs
# the project's packages when they are missing or older than package.json.
#
# Hardhat 3 and its EDR chain need Node >= 22. When the system Node is older (the
# machines here ship Node 20), the npm package `node@22` carries a real binary;
# it goes into .tools/ so nothing outside the checkout changes. npm must then run
# under that Node too, or it silently skips EDR's native package.
optio_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
optio_node_ok() {
  command -v node >/dev/null 2>&1 &&
    [ "$(node -p 'Number(process.versions.node.split(".")[0]) >= 22' 2>/dev/null)" = "true" ]
}
if ! optio_node_ok; then
  if [ ! -x "$optio_root/.tools/node_modules/.bin/node" ]; then
    command -v npm >/dev/null 2>&1 || { echo "optio: needs Node.js >= 22 or npm to fetch it; install Node.js 22 and retry" >&2; exit 1; }
    echo "optio: system Node is $(node --version 2>/dev/null || echo missing); installing Node 22 into .tools/ (once)" >&2
    npm install --prefix "$optio_root/.tools" --no-audit --no-fund --loglevel=error node@22 >&2
  fi
  export PATH="$optio_root/.tools/node_modules/.bin:$PATH"
  optio_node_ok || { echo "optio: could not provision Node >= 22 in .tools/; delete .tools/ and retry" >&2; exit 1; }
fi
# `npm install`, not `npm ci`: this registry's lockfiles lack other platforms'
# EDR packages, which `npm ci` rejects.
if [ ! -f "$optio_root/node_modules/.package-lock.json" ] ||
  [ "$optio_root/package.json" -nt "$optio_root/node_modules/.package-lock.json" ] ||
  [ "$optio_root/package-lock.json" -nt "$optio_root/node_modules/.package-lock.json" ]; then
  echo "optio: installing packages (npm install)" >&2
  (cd "$optio_root" && npm install --no-audit --no-fund --loglevel=error >&2)
  touch "$optio_root/node_modules/.package-lock.json"
fi
