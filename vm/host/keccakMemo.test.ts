// optio.keccak remembers short inputs: its answers must be keccak's for every input, including
// inputs that differ in one byte or only in length, inputs past the memo's size limit, and inputs
// seen again after other ones (also after the memo filled up and started over), at aligned and
// unaligned addresses.
import { describe, expect, it } from "vitest";
import { keccak256 } from "../../protocol/index.ts";
import type { HostContext } from "../Interpreter.ts";
import { optioImports } from "./optioImports.ts";

describe("optio.keccak memo", () => {
  it("test_keccakHost_repeatedAndNearIdenticalInputs_equalKeccak_succeeds", () => {
    const memory = new Uint8Array(4096);
    let gas = 1e12;
    const ctx: HostContext = {
      memory,
      get gasLeft() {
        return gas;
      },
      useGas(g: number) {
        if (g > gas) return false;
        gas -= g;
        return true;
      },
      wrote() {},
    };
    const tx = {
      input: new Uint8Array(0),
      context: { timestamp: 0n, l2Block: 0n, origin: 0n },
      state: { read: () => new Uint8Array(32), write() {} },
    };
    const keccak = optioImports(() => tx)["optio.keccak"];
    const inputs: Uint8Array[] = [];
    for (let len = 0; len <= 140; len++) {
      const a = new Uint8Array(len).fill(3);
      inputs.push(a);
      if (len > 0) {
        const b = a.slice();
        b[len - 1] = 4;
        inputs.push(b);
      }
    }
    // More distinct inputs than the memo keeps (it starts over when full).
    for (let i = 0; i < 70_000; i++) {
      const x = new Uint8Array(33);
      x[0] = 3;
      x[1] = i & 0xff;
      x[2] = (i >> 8) & 0xff;
      x[3] = i >> 16;
      if (i % 7_000 === 0) inputs.push(x);
      memory.set(x, 100);
      keccak([100, 33, 1024], ctx);
      if (i % 997 === 0) expect(memory.slice(1024, 1056)).toEqual(keccak256(x));
    }
    // Aligned sources are read a word at a time, others a byte at a time: both see the same entries.
    for (let round = 0; round < 4; round++) {
      const src = round % 2 === 0 ? 100 : 101 + round;
      for (const x of inputs) {
        memory.fill(0xee);
        memory.set(x, src);
        expect(keccak([src, x.length, 1024], ctx)).toEqual([]);
        expect(memory.slice(1024, 1056)).toEqual(keccak256(x));
      }
    }
  });
});
