import {
  Domain,
  hashTagged,
  keccak256,
  MalformedProofError,
  rootAfterWrite,
  verifyRead,
} from "../../protocol/index.ts";
import { ecrecover } from "../../vm/host/ecrecover.ts";
import {
  GAS_ECRECOVER,
  GAS_INPUT_READ,
  GAS_KECCAK,
  GAS_KECCAK_WORD,
  GAS_STATE_READ,
  GAS_STATE_WRITE,
  MAX_CALL_DEPTH,
  MAX_KECCAK_BYTES,
  MAX_VALUE_STACK,
} from "../../vm/params.ts";
import { HOST_PARAMS } from "../../vm/proof/hostIds.ts";
import { InvalidProofError, ProofFault } from "./InvalidProofError.ts";
import { ACCESS_WIDTH, isBinary, isUnary } from "./opClasses.ts";
import { binary, unary } from "./verifyMath.ts";

/**
 * The reference one-step verifier (docs/machine.md, "One-step proof"): from a
 * machine hash and a proof, the machine hash one step later. It knows nothing
 * of the interpreter: it decodes the instruction from the proof, does its own
 * integer arithmetic (BigInt, 64-bit slots) and recomputes every hash from the
 * witnesses, in the order the document fixes, so that the Solidity prover can
 * follow it line by line. A proof that does not open `beforeHash` throws
 * InvalidProofError; a step that traps is a valid step.
 */

const WORD = 32;
const PAGE = 65_536;
const U32 = 0xffff_ffffn;
const U64 = 0xffff_ffff_ffff_ffffn;
const NO_PC = 0xffff_ffff;
/** Tree depths of docs/machine.md "Machine state hash". */
const CODE_DEPTH = 22;
const MEMORY_DEPTH = 19;
const GLOBALS_DEPTH = 16;
const TABLE_DEPTH = 16;

/** Status byte and trap codes (the index in TRAPS, vm/Trap.ts) as the status word holds them. */
const RUNNING = 0;
const HALTED = 1;
const TRAPPED = 2;
const OUT_OF_GAS = 3;
const T_UNREACHABLE = 0;
// Trap codes 1 (divide by zero) and 2 (overflow) come only from the arithmetic: verifyMath.ts.
const T_OUT_OF_BOUNDS = 3;
const T_UNDEFINED_ELEMENT = 4;
const T_UNINITIALIZED = 5;
const T_SIGNATURE = 6;
const T_STACK = 7;
const T_OUT_OF_GAS = 8;
const T_HOST = 9;
const T_OUT_OF_PROFILE = 10;
const T_REVERT = 12;
/** Host ids (hostIds.ts). */
const H_INPUT_SIZE = 0;
const H_INPUT_READ = 1;
const H_STATE_READ = 2;
const H_STATE_WRITE = 3;
const H_ECRECOVER = 4;
const H_KECCAK = 5;
const H_CONTEXT = 6;
const H_REVERT = 7;

/** The proof's bytes, read front to back; every read past the end is TRUNCATED. */
class Reader {
  at = 0;
  constructor(readonly bytes: Uint8Array) {}

  take(n: number): Uint8Array {
    if (this.at + n > this.bytes.length)
      throw new InvalidProofError(ProofFault.TRUNCATED, `at byte ${this.at}`);
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  word(): Uint8Array {
    return this.take(WORD);
  }

  words(n: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let i = 0; i < n; i++) out.push(this.word());
    return out;
  }

  u32(): number {
    const b = this.take(4);
    return ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
  }

  u64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }

  end(): void {
    if (this.at !== this.bytes.length)
      throw new InvalidProofError(ProofFault.TRAILING_BYTES, `${this.bytes.length - this.at} bytes`);
  }
}

function be32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

function putBe32(b: Uint8Array, at: number, x: number): void {
  b[at] = x >>> 24;
  b[at + 1] = x >>> 16;
  b[at + 2] = x >>> 8;
  b[at + 3] = x;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function valueWord(v: bigint): Uint8Array {
  const w = new Uint8Array(WORD);
  let x = v;
  for (let i = 31; i >= 24; i--) {
    w[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return w;
}

/** The value-stack chain folded from `base` over `values`, bottom first. */
function fold(base: Uint8Array, values: readonly bigint[]): Uint8Array {
  let h = base;
  for (const v of values) h = hashTagged(Domain.VALUE_STACK, h, valueWord(v));
  return h;
}

/** Root of a fixed-depth tree from a node at `index` on level `level0` and the siblings above it. */
function rootFrom(tag: number, node: Uint8Array, index: number, siblings: readonly Uint8Array[]): Uint8Array {
  let h = node;
  let i = index;
  for (const s of siblings) {
    h = i % 2 === 0 ? hashTagged(tag, h, s) : hashTagged(tag, s, h);
    i = Math.floor(i / 2);
  }
  return h;
}

/** Root of a subtree from its 2^h leaves (memory tag). */
function subtreeRoot(leaves: readonly Uint8Array[]): Uint8Array {
  let level = leaves;
  while (level.length > 1) {
    const up: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) up.push(hashTagged(Domain.MEMORY_NODE, level[i], level[i + 1]));
    level = up;
  }
  return level[0];
}

function frameWord(returnPc: number, callerFp: number, reserved: number): Uint8Array {
  const w = new Uint8Array(WORD);
  putBe32(w, 20, returnPc);
  putBe32(w, 24, callerFp);
  putBe32(w, 28, reserved);
  return w;
}

/** The machine as the proof's header opens it, mutated by the step. */
interface Machine {
  status: number;
  trap: number;
  pc: number;
  sp: number;
  fp: number;
  used: number;
  depth: number;
  pages: number;
  tableSize: number;
  valueStack: Uint8Array;
  frameStack: Uint8Array;
  globalsRoot: Uint8Array;
  memoryRoot: Uint8Array;
  codeRoot: Uint8Array;
  tableRoot: Uint8Array;
  stateRoot: Uint8Array;
  inputHash: Uint8Array;
  batchContext: Uint8Array;
  gas: bigint;
  /** The code of a `revert` (status word bytes 2-5 of that trap). */
  revertCode: number;
}

function globalStateHash(m: Machine): Uint8Array {
  const p = new Uint8Array(1 + 4 * WORD);
  p[0] = Domain.GLOBAL_STATE;
  p.set(m.stateRoot, 1);
  p.set(m.inputHash, 1 + WORD);
  p.set(m.batchContext, 1 + 2 * WORD);
  p.set(valueWord(m.gas), 1 + 3 * WORD);
  return keccak256(p);
}

/** The machine hash of `m`: a stopped-by-trap machine keeps only status bytes 0-1 and the global state. */
function machineHash(m: Machine): Uint8Array {
  const p = new Uint8Array(1 + 8 * WORD);
  p[0] = Domain.MACHINE_STATE;
  p[1] = m.status;
  p[2] = m.trap;
  if (m.status === TRAPPED && m.trap === T_REVERT) putBe32(p, 3, m.revertCode);
  if (m.status === RUNNING || m.status === HALTED) {
    putBe32(p, 3, m.pc);
    putBe32(p, 7, m.sp);
    putBe32(p, 11, m.fp);
    putBe32(p, 15, m.used);
    putBe32(p, 19, m.depth);
    putBe32(p, 23, m.pages);
    putBe32(p, 27, m.tableSize);
    p.set(m.valueStack, 1 + WORD);
    p.set(m.frameStack, 1 + 2 * WORD);
    p.set(m.globalsRoot, 1 + 3 * WORD);
    p.set(m.memoryRoot, 1 + 4 * WORD);
    p.set(m.codeRoot, 1 + 5 * WORD);
    p.set(m.tableRoot, 1 + 6 * WORD);
  }
  p.set(globalStateHash(m), 1 + 7 * WORD);
  return keccak256(p);
}

/** Thrown inside a step to stop it with a trap: the step's result, not an error. */
class Stop {
  constructor(
    readonly status: number,
    readonly trap: number,
    readonly revertCode = 0,
  ) {}
}

/** One step of the machine over the proof's witnesses. */
class Step {
  constructor(
    readonly r: Reader,
    readonly m: Machine,
  ) {}

  /** S(k): the top k values (bottom first) and the link below them, checked against the value-stack hash. */
  openStack(k: number): { base: Uint8Array; values: bigint[] } {
    const m = this.m;
    if (k > m.sp || k < 0)
      throw new InvalidProofError(ProofFault.MALFORMED_STATE, `opening ${k} of ${m.sp} values`);
    if (k === 0) return { base: m.valueStack, values: [] };
    const base = this.r.word();
    const values: bigint[] = [];
    for (let i = 0; i < k; i++) values.push(this.r.u64());
    if (!equal(fold(base, values), m.valueStack)) throw new InvalidProofError(ProofFault.VALUE_STACK);
    return { base, values };
  }

  /** The value stack becomes `base` plus `values` (k values were opened above `base`). */
  setStack(k: number, base: Uint8Array, values: readonly bigint[]): void {
    this.m.valueStack = fold(base, values);
    this.m.sp = this.m.sp - k + values.length;
  }

  push(v: bigint): void {
    this.m.valueStack = hashTagged(Domain.VALUE_STACK, this.m.valueStack, valueWord(v));
    this.m.sp++;
  }

  /** M(0) at leaf i: the leaf, checked against the memory root as it stands; returns its siblings too. */
  openLeaf(i: number): { leaf: Uint8Array; siblings: Uint8Array[] } {
    const leaf = this.r.word().slice();
    const siblings = this.r.words(MEMORY_DEPTH);
    if (!equal(rootFrom(Domain.MEMORY_NODE, leaf, i, siblings), this.m.memoryRoot))
      throw new InvalidProofError(ProofFault.MEMORY, `leaf ${i}`);
    return { leaf, siblings };
  }

  trap(code: number): never {
    throw new Stop(TRAPPED, code);
  }

  /** Loads and stores (op 0x28..0x3e). */
  memoryAccess(op: number, offset: number): void {
    const m = this.m;
    const width = ACCESS_WIDTH[op];
    if (width === undefined)
      throw new InvalidProofError(ProofFault.UNKNOWN_INSTRUCTION, `0x${op.toString(16)}`);
    const store = op >= 0x36;
    const { base, values } = this.openStack(store ? 2 : 1);
    const ea = Number(values[0] & U32) + offset;
    if (ea + width > m.pages * PAGE) this.trap(T_OUT_OF_BOUNDS);
    const first = Math.floor(ea / WORD);
    const last = Math.floor((ea + width - 1) / WORD);
    const at = ea % WORD;
    if (!store) {
      const bytes = new Uint8Array(2 * WORD);
      bytes.set(this.openLeaf(first).leaf, 0);
      if (last !== first) bytes.set(this.openLeaf(last).leaf, WORD);
      let x = 0n;
      for (let i = width - 1; i >= 0; i--) x = (x << 8n) | BigInt(bytes[at + i]);
      const bits = BigInt(8 * width);
      const signed = op === 0x2c || op === 0x2e || op === 0x30 || op === 0x32 || op === 0x34;
      const i64 = op === 0x29 || op >= 0x30;
      if (signed) x = BigInt.asIntN(Number(bits), x) & (i64 ? U64 : U32);
      this.setStack(1, base, [x]);
      return;
    }
    const v = values[1];
    const bytes: number[] = [];
    for (let i = 0; i < width; i++) bytes.push(Number((v >> BigInt(8 * i)) & 0xffn));
    // The first leaf takes the bytes up to its end; the second (if any) the rest, opened after the first's write.
    const one = this.openLeaf(first);
    const inFirst = Math.min(width, WORD - at);
    one.leaf.set(bytes.slice(0, inFirst), at);
    m.memoryRoot = rootFrom(Domain.MEMORY_NODE, one.leaf, first, one.siblings);
    if (last !== first) {
      const two = this.openLeaf(last);
      two.leaf.set(bytes.slice(inFirst), 0);
      m.memoryRoot = rootFrom(Domain.MEMORY_NODE, two.leaf, last, two.siblings);
    }
    this.setStack(2, base, []);
  }

  /** Push a frame and jump: call's depth check first. */
  call(target: number): void {
    const m = this.m;
    if (m.depth >= MAX_CALL_DEPTH) this.trap(T_STACK);
    m.frameStack = hashTagged(Domain.FRAME_STACK, m.frameStack, frameWord(m.pc + 1, m.fp, m.used));
    m.depth++;
    m.pc = target;
  }

  hostParams(id: number): number {
    const k = HOST_PARAMS[id];
    if (k === undefined) throw new InvalidProofError(ProofFault.UNKNOWN_HOST, `host id ${id}`);
    return k;
  }

  /** M(h): the 2^h leaves of the aligned subtree j and its siblings, checked against the memory root. */
  openSubtree(h: number, j: number): { leaves: Uint8Array[]; siblings: Uint8Array[] } {
    const leaves = this.r.words(2 ** h).map((w) => w.slice());
    const siblings = this.r.words(MEMORY_DEPTH - h);
    if (!equal(rootFrom(Domain.MEMORY_NODE, subtreeRoot(leaves), j, siblings), this.m.memoryRoot))
      throw new InvalidProofError(ProofFault.MEMORY, `subtree ${j} of height ${h}`);
    return { leaves, siblings };
  }

  /** I: the transaction input, checked against the input hash. */
  readInput(): Uint8Array {
    const n = this.r.u32();
    const input = this.r.take(n);
    const pre = new Uint8Array(1 + n);
    pre[0] = Domain.TRANSACTION;
    pre.set(input, 1);
    if (!equal(keccak256(pre), this.m.inputHash)) throw new InvalidProofError(ProofFault.INPUT);
    return input;
  }

  /** P: a state-tree proof (2-byte length, then the proof of docs/protocol.md "Proofs"). */
  readStateProof(): Uint8Array {
    const len = this.r.take(2);
    return this.r.take((len[0] << 8) | len[1]);
  }

  /** A host call whose `opened` values (its arguments, and below them nothing else) sit on `base`. */
  host(id: number, opened: number, base: Uint8Array, args: readonly bigint[]): void {
    const m = this.m;
    const arg = (i: number) => Number(args[i] & U32);
    const memSize = m.pages * PAGE;
    const fits = (ptr: number, len: number, align: number) => ptr % align === 0 && ptr + len <= memSize;
    let cost = 0n;
    let ok = true;
    switch (id) {
      case H_INPUT_READ:
        cost = BigInt(GAS_INPUT_READ);
        ok = fits(arg(0), 32, 32);
        break;
      case H_STATE_READ:
      case H_STATE_WRITE:
        cost = BigInt(id === H_STATE_READ ? GAS_STATE_READ : GAS_STATE_WRITE);
        ok = fits(arg(0), 64, 64);
        break;
      case H_ECRECOVER:
        cost = BigInt(GAS_ECRECOVER);
        ok = fits(arg(0), 128, 128);
        break;
      case H_KECCAK:
        cost = BigInt(GAS_KECCAK + GAS_KECCAK_WORD * Math.ceil(arg(1) / 32));
        ok = arg(1) <= MAX_KECCAK_BYTES && fits(arg(0), arg(1), 1) && fits(arg(2), 32, 32);
        break;
      case H_CONTEXT:
        ok = arg(0) <= 2;
        break;
    }
    // The host's own cost first (out of gas: gas as the block charge left it), then its arguments.
    if (cost > m.gas) throw new Stop(OUT_OF_GAS, T_OUT_OF_GAS);
    if (!ok) this.trap(T_HOST);
    m.gas -= cost;
    const results: bigint[] = [];
    switch (id) {
      case H_INPUT_SIZE:
        results.push(BigInt(this.readInput().length));
        break;
      case H_INPUT_READ: {
        const input = this.readInput();
        const dst = arg(0) / WORD;
        const { leaf, siblings } = this.openLeaf(dst);
        for (let i = 0; i < WORD; i++) {
          const at = arg(1) + i;
          leaf[i] = at < input.length ? input[at] : 0;
        }
        m.memoryRoot = rootFrom(Domain.MEMORY_NODE, leaf, dst, siblings);
        break;
      }
      case H_STATE_READ:
      case H_STATE_WRITE: {
        const j = arg(0) / 64;
        const { leaves, siblings } = this.openSubtree(1, j);
        const proof = this.readStateProof();
        try {
          if (id === H_STATE_READ) {
            leaves[1] = verifyRead(m.stateRoot, leaves[0], proof).slice();
            m.memoryRoot = rootFrom(Domain.MEMORY_NODE, subtreeRoot(leaves), j, siblings);
          } else m.stateRoot = rootAfterWrite(m.stateRoot, leaves[0], leaves[1], proof).slice();
        } catch (e) {
          if (e instanceof MalformedProofError) throw new InvalidProofError(ProofFault.STATE, e.message);
          throw e;
        }
        break;
      }
      case H_ECRECOVER: {
        const j = arg(0) / 128;
        const { leaves, siblings } = this.openSubtree(2, j);
        const input = new Uint8Array(128);
        leaves.forEach((l, i) => {
          input.set(l, WORD * i);
        });
        const signer = ecrecover(input);
        if (signer !== undefined) {
          leaves[0] = signer;
          m.memoryRoot = rootFrom(Domain.MEMORY_NODE, subtreeRoot(leaves), j, siblings);
        }
        results.push(signer === undefined ? 0n : 1n);
        break;
      }
      case H_KECCAK: {
        const [src, len, dst] = [arg(0), arg(1), arg(2)];
        // The source: no opening when len = 0, else one or two aligned M(h) openings, h the smallest
        // height whose blocks put the first and last leaf at most one block apart.
        let bytes = new Uint8Array(0);
        let skip = 0;
        if (len > 0) {
          const first = Math.floor(src / WORD);
          const last = Math.floor((src + len - 1) / WORD);
          let h = 0;
          while ((last >> h) - (first >> h) > 1) h++;
          const blocks = (last >> h) - (first >> h) + 1;
          bytes = new Uint8Array(blocks * 2 ** h * WORD);
          for (let b = 0; b < blocks; b++)
            this.openSubtree(h, (first >> h) + b).leaves.forEach((l, i) => {
              bytes.set(l, WORD * (b * 2 ** h + i));
            });
          skip = src - (first >> h) * 2 ** h * WORD;
        }
        const digest = keccak256(bytes.subarray(skip, skip + len));
        const out = this.openLeaf(dst / WORD);
        m.memoryRoot = rootFrom(Domain.MEMORY_NODE, digest, dst / WORD, out.siblings);
        break;
      }
      case H_CONTEXT: {
        let x = 0n;
        for (let i = 0; i < 8; i++) x = (x << 8n) | BigInt(m.batchContext[8 * arg(0) + i]);
        results.push(x);
        break;
      }
      case H_REVERT:
        throw new Stop(TRAPPED, T_REVERT, arg(0));
    }
    this.setStack(opened, base, results);
    m.pc++;
  }

  run(op: number, a: number, b: number, c: number): void {
    const m = this.m;
    const next = m.pc + 1;
    if (isUnary(op)) {
      const { base, values } = this.openStack(1);
      this.setStack(1, base, [unary(op, values[0])]);
      m.pc = next;
      return;
    }
    if (isBinary(op)) {
      const { base, values } = this.openStack(2);
      const r = binary(op, values[0], values[1]);
      if (typeof r === "number") this.trap(r);
      this.setStack(2, base, [r]);
      m.pc = next;
      return;
    }
    if (op >= 0x28 && op <= 0x3e) {
      this.memoryAccess(op, a);
      m.pc = next;
      return;
    }
    switch (op) {
      case 0x00: // unreachable
        this.trap(T_UNREACHABLE);
        break;
      case 0xff: // stub (conformance testing only)
        this.trap(T_OUT_OF_PROFILE);
        break;
      case 0x01: {
        // enter a b c
        const used = m.used + a + b + c;
        if (used > MAX_VALUE_STACK) this.trap(T_STACK);
        if (a > m.sp)
          throw new InvalidProofError(ProofFault.MALFORMED_STATE, "enter: fewer values than parameters");
        m.used = used;
        m.fp = m.sp - a;
        for (let i = 0; i < b; i++) this.push(0n);
        m.pc = next;
        return;
      }
      case 0x04: {
        // br_unless a
        const { base, values } = this.openStack(1);
        this.setStack(1, base, []);
        m.pc = (values[0] & U32) === 0n ? a : next;
        return;
      }
      case 0x0c: {
        // br a b c
        if (c > 0) {
          const { base, values } = this.openStack(b + c);
          this.setStack(b + c, base, values.slice(c));
        }
        m.pc = a;
        return;
      }
      case 0x0d: {
        // br_if a b c
        const k = c === 0 ? 1 : 1 + b + c;
        const { base, values } = this.openStack(k);
        const taken = (values[k - 1] & U32) !== 0n;
        const rest = values.slice(0, k - 1);
        this.setStack(k, base, taken ? rest.slice(c) : rest);
        m.pc = taken ? a : next;
        return;
      }
      case 0x0e: {
        // br_table a
        const { base, values } = this.openStack(1);
        this.setStack(1, base, []);
        const i = Number(values[0] & U32);
        m.pc = m.pc + 1 + Math.min(i, a);
        return;
      }
      case 0x0f: {
        // return a
        const k = m.sp - m.fp;
        if (k < 0 || a > k)
          throw new InvalidProofError(ProofFault.MALFORMED_STATE, "return: results below the frame");
        const { base, values } = this.openStack(k);
        if (m.depth < 1) throw new InvalidProofError(ProofFault.FRAME_STACK, "no frame to return from");
        const below = this.r.word();
        const returnPc = this.r.u32();
        const callerFp = this.r.u32();
        const reserved = this.r.u32();
        if (
          !equal(hashTagged(Domain.FRAME_STACK, below, frameWord(returnPc, callerFp, reserved)), m.frameStack)
        )
          throw new InvalidProofError(ProofFault.FRAME_STACK);
        this.setStack(k, base, values.slice(k - a));
        m.frameStack = below.slice();
        m.depth--;
        m.pc = returnPc;
        m.fp = callerFp;
        m.used = reserved;
        if (returnPc === NO_PC) m.status = HALTED;
        return;
      }
      case 0x10: // call a
        this.call(a);
        return;
      case 0x11: {
        // call_indirect a
        const { base, values } = this.openStack(1);
        const i = Number(values[0] & U32);
        if (i >= m.tableSize) this.trap(T_UNDEFINED_ELEMENT);
        const leaf = this.r.word();
        const siblings = this.r.words(TABLE_DEPTH);
        if (!equal(rootFrom(Domain.TABLE_NODE, leaf, i, siblings), m.tableRoot))
          throw new InvalidProofError(ProofFault.TABLE, `slot ${i}`);
        if (leaf.every((x) => x === 0)) this.trap(T_UNINITIALIZED);
        if (be32(leaf, 5) !== a) this.trap(T_SIGNATURE);
        const entry = be32(leaf, 9);
        if (entry === NO_PC) {
          // An imported function: its arguments lie below the index, opened down from `base`.
          const id = leaf[13];
          const k = this.hostParams(id);
          const below = this.r.word();
          const args: bigint[] = [];
          for (let j = 0; j < k; j++) args.push(this.r.u64());
          if (!equal(fold(below, args), base))
            throw new InvalidProofError(ProofFault.VALUE_STACK, "host arguments");
          this.host(id, 1 + k, below, args);
          return;
        }
        this.setStack(1, base, []);
        this.call(entry);
        return;
      }
      case 0x12: {
        // call_host a b: b = host id
        const { base, values } = this.openStack(this.hostParams(b));
        this.host(b, values.length, base, values);
        return;
      }
      case 0x1a: {
        // drop
        const { base } = this.openStack(1);
        this.setStack(1, base, []);
        m.pc = next;
        return;
      }
      case 0x1b: {
        // select
        const { base, values } = this.openStack(3);
        this.setStack(3, base, [(values[2] & U32) !== 0n ? values[0] : values[1]]);
        m.pc = next;
        return;
      }
      case 0x20:
      case 0x21:
      case 0x22: {
        // local.get / local.set / local.tee
        const k = m.sp - m.fp - a;
        if (k < 1 || (op !== 0x20 && k < 2))
          throw new InvalidProofError(ProofFault.MALFORMED_STATE, `local ${a} at or above the stack top`);
        const { base, values } = this.openStack(k);
        if (op === 0x20) this.push(values[0]);
        else {
          const top = values[k - 1];
          const out = values.slice();
          out[0] = top;
          if (op === 0x21) out.pop();
          this.setStack(k, base, out);
        }
        m.pc = next;
        return;
      }
      case 0x23:
      case 0x24: {
        // global.get / global.set
        const popped = op === 0x24 ? this.openStack(1) : undefined;
        const value = this.r.u64();
        const siblings = this.r.words(GLOBALS_DEPTH);
        if (!equal(rootFrom(Domain.GLOBALS_NODE, valueWord(value), a, siblings), m.globalsRoot))
          throw new InvalidProofError(ProofFault.GLOBALS, `global ${a}`);
        if (popped === undefined) this.push(value);
        else {
          m.globalsRoot = rootFrom(Domain.GLOBALS_NODE, valueWord(popped.values[0]), a, siblings);
          this.setStack(1, popped.base, []);
        }
        m.pc = next;
        return;
      }
      case 0x3f: // memory.size
        this.push(BigInt(m.pages));
        m.pc = next;
        return;
      case 0x40: {
        // memory.grow: a = the memory's maximum in pages
        const { base, values } = this.openStack(1);
        const delta = Number(values[0] & U32);
        const old = m.pages;
        let result = U32;
        if (a >= old && delta <= a - old) {
          m.pages = old + delta;
          result = BigInt(old);
        }
        this.setStack(1, base, [result]);
        m.pc = next;
        return;
      }
      case 0x41: // i32.const
        this.push(BigInt(a));
        m.pc = next;
        return;
      case 0x42: // i64.const
        this.push((BigInt(b) << 32n) | BigInt(a));
        m.pc = next;
        return;
      default:
        throw new InvalidProofError(ProofFault.UNKNOWN_INSTRUCTION, `0x${op.toString(16)}`);
    }
  }
}

/**
 * Throws unless the status word and gas word are encodings the machine produces, so every state has one hash
 * (MachineState.requireCanonical on L1): status at most 3, bytes 30-31 zero, no trap code on a running or
 * halted machine, a stopped machine's bytes 2-29 zero (2-5 hold the code of a trap `revert`), and a gas word
 * that is a u64 (bytes 0-23 zero).
 */
function requireCanonical(status: Uint8Array, gasWord: Uint8Array): void {
  const malformed = (what: string) => new InvalidProofError(ProofFault.MALFORMED_STATE, what);
  if (status[0] > OUT_OF_GAS || status[30] !== 0 || status[31] !== 0) throw malformed("status word");
  if (status[0] >= TRAPPED) {
    const from = status[1] === T_REVERT ? 6 : 2;
    for (let i = from; i < 30; i++) if (status[i] !== 0) throw malformed("stopped machine's status word");
  } else if (status[1] !== 0) {
    throw malformed("trap code on a running machine");
  }
  for (let i = 0; i < 24; i++) if (gasWord[i] !== 0) throw malformed("gas word above u64");
}

/**
 * The machine hash after one step from `beforeHash`, given that step's proof.
 * Throws InvalidProofError if the proof does not open `beforeHash` or is malformed.
 */
export function verifyStep(beforeHash: Uint8Array, proof: Uint8Array): Uint8Array {
  const r = new Reader(proof);
  const status = r.word();
  const parts = r.words(6).map((w) => w.slice());
  const stateRoot = r.word().slice();
  const inputHash = r.word().slice();
  const batchContext = r.word().slice();
  const gasWord = r.word();
  const m: Machine = {
    status: status[0],
    trap: status[1],
    pc: be32(status, 2),
    sp: be32(status, 6),
    fp: be32(status, 10),
    used: be32(status, 14),
    depth: be32(status, 18),
    pages: be32(status, 22),
    tableSize: be32(status, 26),
    valueStack: parts[0],
    frameStack: parts[1],
    globalsRoot: parts[2],
    memoryRoot: parts[3],
    codeRoot: parts[4],
    tableRoot: parts[5],
    stateRoot,
    inputHash,
    batchContext,
    gas: (BigInt(be32(gasWord, 24)) << 32n) | BigInt(be32(gasWord, 28)),
    revertCode: 0,
  };
  const pre = new Uint8Array(1 + 8 * WORD);
  pre[0] = Domain.MACHINE_STATE;
  pre.set(proof.subarray(0, 7 * WORD), 1);
  pre.set(
    keccak256(Uint8Array.of(Domain.GLOBAL_STATE, ...proof.subarray(7 * WORD, 11 * WORD))),
    1 + 7 * WORD,
  );
  if (!equal(keccak256(pre), beforeHash)) throw new InvalidProofError(ProofFault.MACHINE_HASH);
  requireCanonical(status, gasWord);

  // A stopped machine steps to itself.
  if (m.status !== RUNNING) {
    r.end();
    return beforeHash.slice();
  }

  const instruction = r.word();
  const codeSiblings = r.words(CODE_DEPTH);
  if (!equal(rootFrom(Domain.CODE_NODE, instruction, m.pc, codeSiblings), m.codeRoot))
    throw new InvalidProofError(ProofFault.CODE, `pc ${m.pc}`);
  const op = instruction[0];
  const gas = BigInt(be32(instruction, 1));
  const a = be32(instruction, 5);
  const b = be32(instruction, 9);
  const c = be32(instruction, 13);

  if (gas > m.gas) {
    r.end();
    return machineHash({ ...m, status: OUT_OF_GAS, trap: T_OUT_OF_GAS });
  }
  m.gas -= gas;
  try {
    new Step(r, m).run(op, a, b, c);
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    m.status = e.status;
    m.trap = e.trap;
    m.revertCode = e.revertCode;
  }
  r.end();
  return machineHash(m);
}
