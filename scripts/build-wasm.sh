#!/usr/bin/env bash
# Builds the WebAssembly modules that are committed next to their sources, and with
# --check fails if the committed bytes differ from a fresh build (they must be reproducible).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
check=false
[ "${1:-}" = "--check" ] && check=true

build() { # source output
  local out="$2"
  $check && out="$(mktemp --suffix=.wasm)"
  npx asc "$1" -O3 --runtime stub --noAssert --initialMemory 2 -o "$out"
  if $check; then
    cmp -s "$out" "$2" || { echo "build-wasm: $2 differs from a fresh build of $1; run scripts/build-wasm.sh and commit" >&2; exit 1; }
    rm -f "$out"
  fi
}

build protocol/keccak/keccak.as.ts protocol/keccak/keccak.wasm
