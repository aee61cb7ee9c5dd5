/**
 * The one-step prover's libraries (contracts/osp/) against the TypeScript machine (vm/):
 * every numeric instruction of the profile on edge and random operands, evaluated by the
 * Solidity library and by the interpreter running a one-instruction function; the hash
 * layouts (status word, machine hash, global state, value and frame chains, the fixed-depth
 * trees) against the TypeScript that defines them; instruction decoding; the constants.
 *
 * Random but reproducible: OSP_SEED=<n> replays a run. Needs the contracts built.
 */
import { randomInt } from "node:crypto";
import { network } from "hardhat";
import { bytesToHex, type Hex, hexToBytes } from "viem";
import { describe, expect, onTestFailed, test } from "vitest";
import { Domain, hashTagged, keccak256 } from "../protocol/index.ts";
import {
  CODE_TREE_DEPTH,
  encodeInstruction,
  type FlatModule,
  GLOBALS_TREE_DEPTH,
  HashChain,
  Interpreter,
  loadModule,
  MEMORY_TREE_DEPTH,
  MerkleTree,
  TABLE_TREE_DEPTH,
  TRAPS,
  type Value,
  zeroHashes,
} from "../vm/index.ts";
import { OPCODE_NAMES } from "../vm/opcodes.ts";
import { buildModule, i32, i64 } from "../vm/testing/wasmBuilder.ts";

const SEED = process.env.OSP_SEED ? Number(process.env.OSP_SEED) : randomInt(2 ** 31);
/** Random operand pairs per numeric opcode (edge operands are always all tried). */
const RANDOM_PER_OP = Number(process.env.OSP_NUMERIC_RANDOM ?? 64);

interface Harness {
  read: {
    numericMany(
      args: readonly [readonly number[], readonly bigint[], readonly bigint[]],
    ): Promise<readonly [readonly bigint[], readonly number[]]>;
    numericOpcodes(): Promise<readonly [bigint, bigint]>;
    machineHash(args: readonly [Hex, readonly Hex[]]): Promise<Hex>;
    globalStateHash(args: readonly [Hex, Hex, Hex, bigint]): Promise<Hex>;
    chains(
      args: readonly [readonly bigint[], readonly (readonly [number, number, number])[]],
    ): Promise<readonly [Hex, Hex]>;
    merkleRoot(args: readonly [bigint, bigint, bigint, Hex, Hex]): Promise<Hex>;
    decodeInstruction(args: readonly [Hex]): Promise<readonly [readonly bigint[], Hex]>;
    constants(): Promise<readonly bigint[]>;
  };
}

const { viem } = await network.create();
const h = (await viem.deployContract("OspLibHarness")) as unknown as Harness;

function makeRng(seed: number) {
  let s = BigInt(seed) | 1n;
  const next = (): bigint => {
    // xorshift64*
    s ^= s >> 12n;
    s ^= (s << 25n) & 0xffffffffffffffffn;
    s ^= s >> 27n;
    return (s * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn;
  };
  return {
    u64: next,
    int: (n: number): number => Number(next() % BigInt(n)),
  };
}
const rng = makeRng(SEED);
const printSeed = () => console.error(`osp.lib: reproduce with OSP_SEED=${SEED}`);

// ---------------------------------------------------------------------------
// Numeric instructions

const UNARY = [
  0x45, 0x50, 0x67, 0x68, 0x69, 0x79, 0x7a, 0x7b, 0xa7, 0xac, 0xad, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4,
];
const BINARY = [...range(0x46, 0x4f), ...range(0x51, 0x5a), ...range(0x6a, 0x78), ...range(0x7c, 0x8a)];

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

/** The operand type of a numeric opcode (i64 for i64 operators, wrap and extend8/16/32 of i64). */
function operandType(op: number): number {
  if (op === 0xa7) return i64;
  if (op === 0xac || op === 0xad) return i32;
  if (op >= 0xc2) return i64;
  if (op >= 0xc0) return i32;
  return (op >= 0x50 && op <= 0x5a) || (op >= 0x79 && op <= 0x8a) ? i64 : i32;
}

function resultType(op: number): number {
  if (op <= 0x5a) return i32; // tests and comparisons
  if (op === 0xa7) return i32;
  if (op === 0xac || op === 0xad) return i64;
  return operandType(op);
}

/** One module with one exported function per numeric opcode: (x[, y]) -> op(x[, y]). */
function numericModule(): FlatModule {
  const ops = [...UNARY, ...BINARY];
  const types: { params: number[]; results: number[] }[] = [];
  const typeIndex = (params: number[], results: number[]): number => {
    const k = types.findIndex(
      (t) => t.params.join() === params.join() && t.results.join() === results.join(),
    );
    if (k >= 0) return k;
    types.push({ params, results });
    return types.length - 1;
  };
  const funcs = ops.map((op) => {
    const t = operandType(op);
    const binary = BINARY.includes(op);
    return {
      type: typeIndex(binary ? [t, t] : [t], [resultType(op)]),
      body: binary ? [0x20, 0, 0x20, 1, op] : [0x20, 0, op],
      export: `op${op}`,
    };
  });
  return loadModule(buildModule({ types, funcs }));
}

const EDGE64 = [
  0n,
  1n,
  2n,
  3n,
  31n,
  32n,
  33n,
  63n,
  64n,
  65n,
  0x7fn,
  0x80n,
  0xffn,
  0x7fffn,
  0x8000n,
  0xffffn,
  0x7fffffffn,
  0x80000000n,
  0xffffffffn,
  0x100000000n,
  0x7fffffffffffffffn,
  0x8000000000000000n,
  0xffffffffffffffffn,
  0xfffffffffffffffen,
  0x8000000000000001n,
  0x123456789abcdef0n,
];

/** A u64 word -> the interpreter's argument for type t (i32 signed number, i64 signed bigint). */
function arg(w: bigint, t: number): Value {
  return t === i32 ? Number(BigInt.asIntN(32, w)) : BigInt.asIntN(64, w);
}

/** The interpreter's result -> the machine word (i32 zero-extended). */
function word(v: Value): bigint {
  return typeof v === "number" ? BigInt(v >>> 0) : BigInt.asUintN(64, v);
}

describe("IntegerOps against the interpreter", () => {
  test("the library's opcode sets are the profile's numeric opcodes", async () => {
    const [unary, binary] = await h.read.numericOpcodes();
    const bits = (ops: number[]) => ops.reduce((m, op) => m | (1n << BigInt(op)), 0n);
    expect(unary).toBe(bits(UNARY));
    expect(binary).toBe(bits(BINARY));
    for (const op of [...UNARY, ...BINARY]) expect(OPCODE_NAMES.get(op)).toMatch(/^i(32|64)\./);
  });

  test(`every numeric opcode on edge and ${RANDOM_PER_OP} random operand pairs`, async () => {
    onTestFailed(printSeed);
    const flat = numericModule();
    const inst = Interpreter.instantiate(flat);
    if (!inst.ok) throw new Error("instantiation failed");
    const it = inst.instance;
    const cases: { op: number; x: bigint; y: bigint; r: bigint; trap: number }[] = [];
    for (const op of [...UNARY, ...BINARY]) {
      const t = operandType(op);
      const mask = t === i32 ? 0xffffffffn : 0xffffffffffffffffn;
      const pairs: [bigint, bigint][] = [];
      const binary = BINARY.includes(op);
      for (const x of EDGE64) {
        if (binary) for (const y of EDGE64) pairs.push([x & mask, y & mask]);
        else pairs.push([x & mask, 0n]);
      }
      for (let i = 0; i < RANDOM_PER_OP; i++) {
        // Random operands, half of them small so that shifts, divisions and comparisons meet close values.
        const x = rng.int(2) === 0 ? rng.u64() : BigInt(rng.int(70)) - 3n;
        const y = rng.int(2) === 0 ? rng.u64() : BigInt(rng.int(70)) - 3n;
        pairs.push([BigInt.asUintN(64, x) & mask, BigInt.asUintN(64, y) & mask]);
      }
      for (const [x, y] of pairs) {
        const r = it.invoke(`op${op}`, binary ? [arg(x, t), arg(y, t)] : [arg(x, t)]);
        cases.push(
          r.ok
            ? { op, x, y, r: word(r.values[0]), trap: 0 }
            : { op, x, y, r: 0n, trap: TRAPS.indexOf(r.trap) },
        );
      }
    }
    const BATCH = 1500;
    let checked = 0;
    for (let i = 0; i < cases.length; i += BATCH) {
      const batch = cases.slice(i, i + BATCH);
      const [rs, traps] = await h.read.numericMany([
        batch.map((c) => c.op),
        batch.map((c) => c.x),
        batch.map((c) => c.y),
      ]);
      batch.forEach((c, k) => {
        const got = { r: rs[k], trap: traps[k] };
        const want = { r: c.r, trap: c.trap };
        if (got.r !== want.r || got.trap !== want.trap) {
          expect.fail(
            `${OPCODE_NAMES.get(c.op)} x=0x${c.x.toString(16)} y=0x${c.y.toString(16)}: ` +
              `solidity ${JSON.stringify({ r: `0x${got.r.toString(16)}`, trap: got.trap })} vs ` +
              `interpreter ${JSON.stringify({ r: `0x${want.r.toString(16)}`, trap: want.trap })}`,
          );
        }
        checked++;
      });
    }
    expect(checked).toBe(cases.length);
    // Both traps occur: the edge operands include zero divisors and INT_MIN / -1.
    expect(cases.some((c) => c.trap === 1)).toBe(true);
    expect(cases.some((c) => c.trap === 2)).toBe(true);
  });
});

// ---------------------------------------------------------------------------
// Hash layouts

const hex = (b: Uint8Array): Hex => bytesToHex(b);
const randomWord = (): Uint8Array => {
  const w = new Uint8Array(32);
  for (let i = 0; i < 32; i += 8) new DataView(w.buffer).setBigUint64(i, rng.u64());
  return w;
};

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe("hash layouts against the TypeScript", () => {
  test("domain tags and tree depths", async () => {
    const c = await h.read.constants();
    expect(c.map(Number)).toEqual([
      Domain.MACHINE_STATE,
      Domain.VALUE_STACK,
      Domain.FRAME_STACK,
      Domain.MEMORY_NODE,
      Domain.CODE_NODE,
      Domain.GLOBALS_NODE,
      Domain.TABLE_NODE,
      Domain.GLOBAL_STATE,
      MEMORY_TREE_DEPTH,
      CODE_TREE_DEPTH,
      GLOBALS_TREE_DEPTH,
      TABLE_TREE_DEPTH,
    ]);
  });

  test("machine hash of running, halted, trapped and out-of-gas machines", async () => {
    for (const status of [0, 1, 2, 3]) {
      const word = new Uint8Array(32);
      const v = new DataView(word.buffer);
      word[0] = status;
      word[1] = status >= 2 ? 3 + status : 0;
      if (status < 2) for (let k = 0; k < 7; k++) v.setUint32(2 + 4 * k, Number(rng.u64() & 0xffffffffn));
      const parts = Array.from({ length: 7 }, randomWord);
      const live = status < 2;
      const want = keccak256(
        concat(
          Uint8Array.of(Domain.MACHINE_STATE),
          word,
          ...parts.map((p, k) => (live || k === 6 ? p : new Uint8Array(32))),
        ),
      );
      expect(await h.read.machineHash([hex(word), parts.map(hex)])).toBe(hex(want));
    }
  });

  test("a reverted machine keeps its code in status word bytes 2-5, and nothing else", async () => {
    const word = new Uint8Array(32);
    word[0] = 2;
    word[1] = 12; // revert
    new DataView(word.buffer).setUint32(2, 0xdeadbeef);
    const parts = Array.from({ length: 7 }, randomWord);
    const want = keccak256(
      concat(
        Uint8Array.of(Domain.MACHINE_STATE),
        word,
        ...parts.map((p, k) => (k === 6 ? p : new Uint8Array(32))),
      ),
    );
    expect(await h.read.machineHash([hex(word), parts.map(hex)])).toBe(hex(want));
    // Another trap with bytes 2-5 set is not a status word the machine can have.
    word[1] = 3;
    await expect(h.read.machineHash([hex(word), parts.map(hex)])).rejects.toThrow(/MalformedStatusWord/);
  });

  test("global state hash", async () => {
    const [a, b, c] = [randomWord(), randomWord(), randomWord()];
    const gas = rng.u64();
    const gasWord = new Uint8Array(32);
    new DataView(gasWord.buffer).setBigUint64(24, gas);
    const want = keccak256(concat(Uint8Array.of(Domain.GLOBAL_STATE), a, b, c, gasWord));
    expect(await h.read.globalStateHash([hex(a), hex(b), hex(c), gas])).toBe(hex(want));
  });

  test("value and frame stack chains", async () => {
    const values = Array.from({ length: 9 }, () => rng.u64());
    const frames = Array.from(
      { length: 5 },
      () =>
        [Number(rng.u64() & 0xffffffffn), Number(rng.u64() & 0xffffn), Number(rng.u64() & 0xffffn)] as const,
    );
    const vc = new HashChain(Domain.VALUE_STACK, 16);
    const vRoot = vc.root(values.length, (i, w) => {
      w.fill(0);
      new DataView(w.buffer, w.byteOffset).setBigUint64(24, values[i]);
    });
    const fc = new HashChain(Domain.FRAME_STACK, 16);
    const fRoot = fc.root(frames.length, (i, w) => {
      w.fill(0);
      const d = new DataView(w.buffer, w.byteOffset);
      for (const [k, x] of frames[i].entries()) d.setUint32(20 + 4 * k, x);
    });
    const [gotV, gotF] = await h.read.chains([values, frames]);
    expect(gotV).toBe(hex(vRoot));
    expect(gotF).toBe(hex(fRoot));
  });

  test("fixed-depth Merkle roots from a leaf and its siblings", async () => {
    const trees = [
      [Domain.MEMORY_NODE, MEMORY_TREE_DEPTH],
      [Domain.CODE_NODE, CODE_TREE_DEPTH],
      [Domain.GLOBALS_NODE, GLOBALS_TREE_DEPTH],
      [Domain.TABLE_NODE, TABLE_TREE_DEPTH],
    ] as const;
    for (const [tag, depth] of trees) {
      const n = 37;
      const leaves = concat(...Array.from({ length: n }, randomWord));
      const root = new MerkleTree(tag, depth).root(leaves);
      for (const i of [0, 1, 17, 36, 37, 1000]) {
        // Siblings by recomputing each level from the leaves (zero past n).
        const siblings = siblingsOf(tag, depth, leaves, i);
        const leaf = i < n ? leaves.subarray(32 * i, 32 * i + 32) : new Uint8Array(32);
        expect(
          await h.read.merkleRoot([BigInt(tag), BigInt(depth), BigInt(i), hex(leaf), hex(siblings)]),
        ).toBe(hex(root));
      }
    }
  });

  test("instruction decoding round-trips the TypeScript encoding", async () => {
    const code = {
      ops: Uint8Array.of(0x10, 0x42, 0x00),
      gas: Int32Array.of(7, 0, 0),
      a: Int32Array.of(123, -1, 0),
      b: Int32Array.of(5, -2147483648, 0),
      c: Int32Array.of(0, 2147483647, 0),
    } as unknown as FlatModule;
    for (let pc = 0; pc < 3; pc++) {
      const w = encodeInstruction(code, pc);
      const [fields, back] = await h.read.decodeInstruction([hex(w)]);
      expect(fields.map(Number)).toEqual([
        code.ops[pc],
        code.gas[pc],
        code.a[pc] >>> 0,
        code.b[pc] >>> 0,
        code.c[pc] >>> 0,
      ]);
      expect(hexToBytes(back)).toEqual(w);
    }
  });
});

/** The `depth` siblings of leaf i in the tree over `leaves`, leaf level first. */
function siblingsOf(tag: number, depth: number, leaves: Uint8Array, i: number): Uint8Array {
  const z = zeroHashes(tag, depth);
  let level: Uint8Array[] = [];
  for (let k = 0; k < leaves.length / 32; k++) level.push(leaves.subarray(32 * k, 32 * k + 32));
  const out: Uint8Array[] = [];
  let idx = i;
  for (let d = 0; d < depth; d++) {
    const s = idx ^ 1;
    out.push(s < level.length ? level[s] : z[d]);
    const next: Uint8Array[] = [];
    for (let k = 0; k < level.length; k += 2) {
      next.push(hashTagged(tag, level[k], k + 1 < level.length ? level[k + 1] : z[d]));
    }
    level = next;
    idx >>= 1;
  }
  return concat(...out);
}

describe("code size", () => {
  test("every deployed prover contract is under the EVM code-size limit (24,576 bytes, EIP-170)", async () => {
    const { deployOneStepProver } = await import("../prover/deployOneStepProver.ts");
    const osp = await deployOneStepProver(viem);
    const client = await viem.getPublicClient();
    for (const address of [osp.entry, osp.hostIo]) {
      const code = await client.getCode({ address });
      const bytes = ((code ?? "0x").length - 2) / 2;
      expect(bytes).toBeGreaterThan(1_000);
      expect(bytes).toBeLessThanOrEqual(24_576);
    }
  });
});
