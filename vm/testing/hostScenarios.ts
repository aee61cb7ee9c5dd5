/**
 * Host-calling programs for the differential and transaction tests: each is an
 * engine-shaped module (hostProgram.ts) with an input, run on a small pre-state.
 */
import { MAX_KECCAK_BYTES } from "../params.ts";
import { H, hostProgram } from "./hostProgram.ts";
import { i32c as c, i32 } from "./wasmBuilder.ts";

export interface HostScenario {
  name: string;
  bytes: Uint8Array;
  input: Uint8Array;
}

const call = (f: number) => [0x10, f];
const inputRead = (dst: number, off: number) => [...c(dst), ...c(off), ...call(H.input_read)];
/** Copy 32 bytes with four i64 loads and stores. */
const copy32 = (from: number, to: number) =>
  [0, 8, 16, 24].flatMap((k) => [...c(to + k), ...c(from + k), 0x29, 3, 0, 0x37, 3, 0]);
const stateWrite = (ptr: number) => [...c(ptr), ...call(H.state_write)];
const stateRead = (ptr: number) => [...c(ptr), ...call(H.state_read)];
const keccak = (src: number, len: number, dst: number) => [
  ...c(src),
  ...c(len),
  ...c(dst),
  ...call(H.keccak),
];
const drop = 0x1a;

/** keccak of 2^32 - 1 bytes: its cost (checked first) is past any gas limit, so it runs out of gas, not a host trap. */
export const KECCAK_HUGE = keccak(0, -1, 2048);

/** A write that a later failure must drop: key = input word 0, value = input word 1. */
const writeFirst = [...inputRead(0, 0), ...inputRead(32, 32), ...stateWrite(0)];

/** Calls with bad arguments: every one must trap "host trap" and leave gas as the block left it. */
export const BAD_CALLS: Record<string, number[]> = {
  inputReadMisaligned: inputRead(16, 0),
  inputReadOutOfBounds: inputRead(65536, 0),
  stateReadMisaligned: stateRead(32),
  stateReadOutOfBounds: stateRead(65536),
  stateWriteMisaligned: stateWrite(96),
  stateWriteOutOfBounds: stateWrite(65536),
  stateWriteNegativePointer: stateWrite(-64),
  ecrecoverMisaligned: [...c(64), ...call(H.ecrecover), drop],
  ecrecoverOutOfBounds: [...c(65536), ...call(H.ecrecover), drop],
  keccakOverLimit: keccak(0, MAX_KECCAK_BYTES + 1, 2048),
  keccakSourceOutOfBounds: keccak(65536 - 64, 65, 2048),
  keccakDestinationMisaligned: keccak(0, 32, 2064),
  keccakDestinationOutOfBounds: keccak(0, 32, 65536),
  contextBadField: [...c(3), ...call(H.context), drop],
  contextNegativeField: [...c(-1), ...call(H.context), drop],
};

function word(fill: number, last = fill): Uint8Array {
  const w = new Uint8Array(32).fill(fill);
  w[31] = last;
  return w;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Keys of the pre-state the scenarios read (values are `word(0x40 + i)`). */
export const PRE_KEYS: Uint8Array[] = [word(0x11), word(0x22), word(0x33, 0x34), word(0xa0)];
export const PRE_VALUES: Uint8Array[] = PRE_KEYS.map((_, i) => word(0x40 + i));

/** `ecrecoverInput`: the 128-byte precompile input the `ecrecover` scenario copies from its input. */
export function hostScenarios(ecrecoverInput: Uint8Array): HostScenario[] {
  const twoWords = concat(word(0x71, 0x72), word(0x05));
  return [
    {
      name: "readWrite",
      // keccak of the input, written under that hash; a pre-state value copied under a new key; reads back.
      bytes: hostProgram([
        ...inputRead(0, 0),
        ...inputRead(32, 32),
        ...inputRead(64, 64),
        ...inputRead(96, 96),
        ...c(0),
        ...call(H.input_size),
        ...c(256),
        ...call(H.keccak),
        ...inputRead(288, 0),
        ...stateWrite(256),
        ...inputRead(384, 32),
        ...stateRead(384),
        ...inputRead(448, 64),
        ...copy32(416, 480),
        ...stateWrite(448),
        ...stateRead(256),
        ...stateRead(448),
        ...call(H.input_size),
        ...c(1),
        ...call(H.context),
        0xa7,
        0x6a,
      ]),
      input: concat(word(0x99, 0x01), PRE_KEYS[1], word(0x55), new Uint8Array([1, 2, 3])),
    },
    {
      name: "overwriteAndDelete",
      // Writes a pre-state key twice, deletes another (zero value), writes a key then deletes it.
      bytes: hostProgram([
        ...inputRead(0, 0),
        ...inputRead(32, 32),
        ...stateWrite(0),
        ...inputRead(32, 64),
        ...stateWrite(0),
        ...inputRead(128, 96),
        ...stateWrite(128),
        ...inputRead(192, 128),
        ...inputRead(224, 64),
        ...stateWrite(192),
        ...inputRead(224, 160),
        ...stateWrite(192),
        ...c(0),
      ]),
      input: concat(PRE_KEYS[0], word(0x01), word(0x02), PRE_KEYS[2], word(0x77)),
    },
    {
      name: "manyWrites",
      // 40 writes in a loop: key i, value i + 1 (gas limits hit every block and host call).
      bytes: hostProgram(
        [
          0x03,
          0x40,
          ...[...c(540), 0x20, 0, 0x36, 2, 0],
          ...[...c(572), 0x20, 0, ...c(1), 0x6a, 0x36, 2, 0],
          ...stateWrite(512),
          ...c(512),
          ...call(H.state_read),
          ...[0x20, 0, ...c(1), 0x6a, 0x22, 0, ...c(40), 0x49, 0x0d, 0, 0x0b],
          ...c(0),
        ],
        { locals: [i32] },
      ),
      input: new Uint8Array(0),
    },
    {
      name: "ecrecover",
      // Recover the signer of the input's precompile input; write (signer or hash) -> v word.
      bytes: hostProgram([
        ...inputRead(0, 0),
        ...inputRead(32, 32),
        ...inputRead(64, 64),
        ...inputRead(96, 96),
        ...c(0),
        ...call(H.ecrecover),
        ...stateWrite(0),
      ]),
      input: ecrecoverInput,
    },
    {
      name: "keccakLongest",
      bytes: hostProgram([
        ...inputRead(0, 0),
        ...keccak(0, MAX_KECCAK_BYTES, 2048),
        ...inputRead(2080, 0),
        ...stateWrite(2048),
        ...keccak(5, 0, 2112),
        ...stateWrite(2112),
        ...c(0),
      ]),
      input: word(0x3c),
    },
    {
      name: "context",
      // Returns the three context fields mixed; writes the timestamp word.
      bytes: hostProgram([
        ...c(0),
        ...call(H.context),
        ...c(1),
        ...call(H.context),
        0x7c,
        ...c(2),
        ...call(H.context),
        0x7c,
        0xa7,
        ...inputRead(256, 4096 * 16),
        ...c(0),
        ...call(H.input_size),
        0x6a,
        0x6a,
      ]),
      input: word(0x01),
    },
    {
      name: "revert",
      bytes: hostProgram([...writeFirst, ...c(77), ...call(H.revert), ...c(1)]),
      input: twoWords,
    },
    {
      name: "revertMaxCode",
      bytes: hostProgram([...writeFirst, ...c(-1), ...call(H.revert), ...c(1)]),
      input: twoWords,
    },
    {
      name: "trapAfterWrite",
      bytes: hostProgram([...writeFirst, 0x00]),
      input: twoWords,
    },
    {
      name: "rejectionKeepsWrites",
      // main returns a non-zero code: executed, its writes stand.
      bytes: hostProgram([...writeFirst, ...c(3)]),
      input: twoWords,
    },
    {
      name: "counter",
      // A mutable global and a memory word both bumped: a reused instance must start from scratch.
      bytes: hostProgram(
        [
          ...[0x23, 0, ...c(1), 0x6a, 0x24, 0],
          ...[...c(600), ...c(600), 0x28, 2, 0, ...c(3), 0x6a, 0x36, 2, 0],
          ...[0x23, 0, ...c(600), 0x28, 2, 0, 0x6a],
        ],
        { globals: [{ type: i32, mutable: true, init: c(5) }], datas: [{ offset: 600, bytes: [10] }] },
      ),
      input: new Uint8Array(0),
    },
    {
      name: "grow",
      // Memory grows by a page and the write uses it: a reused instance cannot shrink its memory.
      bytes: hostProgram(
        [
          ...c(1),
          0x40,
          0,
          drop,
          ...inputRead(65536, 0),
          ...inputRead(65568, 32),
          ...stateWrite(65536),
          0x3f,
          0,
        ],
        { maxPages: 4 },
      ),
      input: twoWords,
    },
    {
      name: "keccakHugeLength",
      bytes: hostProgram([...writeFirst, ...KECCAK_HUGE, ...c(0)]),
      input: twoWords,
    },
    ...Object.entries(BAD_CALLS).map(([name, bad]) => ({
      name: `bad.${name}`,
      bytes: hostProgram([...writeFirst, ...bad, ...c(0)]),
      input: twoWords,
    })),
  ];
}
