#!/usr/bin/env bash
# Builds the WebAssembly modules that are committed next to their sources, and with
# --check fails if the committed bytes differ from a fresh build (they must be reproducible).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
check=false
[ "${1:-}" = "--check" ] && check=true

build() { # source output [asc flags; default --initialMemory 2]
  local src="$1" dst="$2" out="$2"
  shift 2
  local flags=("$@")
  [ ${#flags[@]} -eq 0 ] && flags=(--initialMemory 2)
  $check && out="$(mktemp --suffix=.wasm)"
  npx asc "$src" -O3 --runtime stub --noAssert "${flags[@]}" -o "$out"
  set -- "$src" "$dst"
  if $check; then
    cmp -s "$out" "$2" || { echo "build-wasm: $2 differs from a fresh build of $1; run scripts/build-wasm.sh and commit" >&2; exit 1; }
    rm -f "$out"
  fi
}

build protocol/keccak/keccak.as.ts protocol/keccak/keccak.wasm
# The engine runs in the machine: no bulk memory (docs/machine.md, "Profile"), no float
# conversions; 4 pages hold its static layout (engine/layout.as.ts) without a memory.grow.
build engine/main.as.ts engine/engine.wasm --disable bulk-memory --disable nontrapping-f2i --initialMemory 4
# vm.jit.overhead's compute-heavy program (bench/vm.ts): in the machine's profile like the engine.
build vm/testing/fixedPoint.as.ts vm/testing/fixedPoint.wasm --disable bulk-memory --disable nontrapping-f2i --initialMemory 1
