import { Domain, hashTagged } from "../../protocol/index.ts";
import { encodeInstruction, INSTRUCTION_BYTES } from "../../vm/encodeInstruction.ts";
import type { FlatModule } from "../../vm/FlatModule.ts";
import { Op } from "../../vm/flatOps.ts";
import type { Interpreter } from "../../vm/Interpreter.ts";
import { CODE_TREE_DEPTH, MerkleTree, TABLE_TREE_DEPTH, tableLeaves } from "../../vm/machineHash.ts";
import {
  GAS_ECRECOVER,
  GAS_INPUT_READ,
  GAS_KECCAK,
  GAS_KECCAK_WORD,
  GAS_STATE_READ,
  GAS_STATE_WRITE,
  MAX_KECCAK_BYTES,
} from "../../vm/params.ts";
import { HOST_PARAMS } from "../../vm/proof/hostIds.ts";
import type { MachineView } from "../../vm/proof/MachineView.ts";
import { InvalidProofError, ProofFault } from "./InvalidProofError.ts";
import { ACCESS_WIDTH, isBinary, isUnary } from "./opClasses.ts";

/**
 * The one-step proof generator (docs/machine.md, "One-step proof"): the proof
 * of an interpreter's next step, in the documented byte format, built from the
 * interpreter's own state and its incremental hasher (chain links and tree
 * levels are already there, so a proof costs a few dozen hash reads). The
 * witness choice mirrors the document's table; verifyStep.ts checks it
 * independently.
 */

const WORD = 32;

/** One step's test vector: the hash before, the proof, the hash after (what verifyStep must return). */
export interface StepVector {
  readonly before: Uint8Array;
  readonly proof: Uint8Array;
  readonly after: Uint8Array;
  /** The flat opcode of the step, or -1 for a stopped machine (which steps to itself). */
  readonly op: number;
  /** True when the step stopped at its block's gas charge (out of gas before the instruction ran). */
  readonly outOfGas: boolean;
  /** Where the step left the machine: "running", "halted", "out of gas" or the trap's name. */
  readonly outcome: string;
}

/**
 * What a host call's proof needs beyond the machine: the transaction input (the
 * machine holds only its hash) and state-tree proofs at the current state root
 * (a ProvableTransaction's `state.prove(key)`, encoded).
 */
export interface HostWitnesses {
  readonly input: Uint8Array;
  /** The encoded proof (protocol/smt encodeProof) of `key` at the machine's current state root. */
  proveState(key: Uint8Array): Uint8Array;
}

/** Host id constants (hostIds.ts order). */
const H = {
  INPUT_SIZE: 0,
  INPUT_READ: 1,
  STATE_READ: 2,
  STATE_WRITE: 3,
  ECRECOVER: 4,
  KECCAK: 5,
  CONTEXT: 6,
} as const;

/** A step that cannot be proven: a call into a conformance stub, a non-optio import, or missing host witnesses. */
export class UnprovableStepError extends InvalidProofError {
  override name = "UnprovableStepError";
}

class Writer {
  private parts: Uint8Array[] = [];
  private size = 0;

  bytes(b: Uint8Array): void {
    this.parts.push(b.slice());
    this.size += b.length;
  }

  u32(x: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, x >>> 0);
    this.bytes(b);
  }

  /** A value slot from the interpreter's int32 halves (low, high). */
  value(halves: Int32Array, i: number): void {
    this.u32(halves[2 * i + 1]);
    this.u32(halves[2 * i]);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

const codeTrees = new WeakMap<FlatModule, { tree: MerkleTree; leaves: Uint8Array }>();

function codeTree(code: FlatModule): { tree: MerkleTree; leaves: Uint8Array } {
  let t = codeTrees.get(code);
  if (t === undefined) {
    const n = code.ops.length;
    const leaves = new Uint8Array(n * INSTRUCTION_BYTES);
    for (let pc = 0; pc < n; pc++) encodeInstruction(code, pc, leaves.subarray(pc * WORD, pc * WORD + WORD));
    const tree = new MerkleTree(Domain.CODE_NODE, CODE_TREE_DEPTH);
    tree.root(leaves);
    t = { tree, leaves };
    codeTrees.set(code, t);
  }
  return t;
}

const tableTrees = new WeakMap<Int32Array, { tree: MerkleTree; leaves: Uint8Array }>();

/** The table's tree (fixed per instance: no instruction writes the table). */
function tableTree(code: FlatModule, table: Int32Array): { tree: MerkleTree; leaves: Uint8Array } {
  let t = tableTrees.get(table);
  if (t === undefined) {
    const leaves = tableLeaves(code, table);
    const tree = new MerkleTree(Domain.TABLE_NODE, TABLE_TREE_DEPTH);
    tree.root(leaves);
    t = { tree, leaves };
    tableTrees.set(table, t);
  }
  return t;
}

/** The node at level `upTo` above `leaf` (index `i`), folding the first `upTo` siblings. */
function nodeAbove(leaf: Uint8Array, i: number, siblings: readonly Uint8Array[], upTo: number): Uint8Array {
  let h = leaf;
  for (let k = 0; k < upTo; k++) {
    h =
      Math.floor(i / 2 ** k) % 2 === 0
        ? hashTagged(Domain.MEMORY_NODE, h, siblings[k])
        : hashTagged(Domain.MEMORY_NODE, siblings[k], h);
  }
  return h;
}

/** Builds the witnesses of one step from the interpreter's state (before the step). */
class ProofBuilder {
  readonly w = new Writer();
  constructor(
    readonly v: MachineView,
    readonly code: FlatModule,
    readonly witnesses: HostWitnesses | undefined,
  ) {}

  /** Host witnesses of host `id` whose `params` arguments end `below` values under the top. */
  host(id: number, below: number): void {
    const v = this.v;
    const params = HOST_PARAMS[id];
    if (params === undefined) throw new UnprovableStepError(ProofFault.UNKNOWN_HOST, `host id ${id}`);
    const arg = (i: number) => v.stack[2 * (v.sp - below - params + i)] >>> 0;
    const memSize = v.memory.length;
    const fits = (ptr: number, len: number, align: number) => ptr % align === 0 && ptr + len <= memSize;
    const costs = [0, GAS_INPUT_READ, GAS_STATE_READ, GAS_STATE_WRITE, GAS_ECRECOVER, 0, 0, 0];
    const cost = id === H.KECCAK ? GAS_KECCAK + GAS_KECCAK_WORD * Math.ceil(arg(1) / 32) : costs[id];
    const ok = [
      true,
      fits(arg(0), 32, 32),
      fits(arg(0), 64, 64),
      fits(arg(0), 64, 64),
      fits(arg(0), 128, 128),
      id === H.KECCAK && arg(1) <= MAX_KECCAK_BYTES && fits(arg(0), arg(1), 1) && fits(arg(2), 32, 32),
      id === H.CONTEXT && arg(0) <= 2,
      true,
    ][id];
    if (cost > v.gas - this.code.gas[v.pc] || !ok) return;
    const source = this.witnesses;
    const needs = id === H.INPUT_SIZE || id === H.INPUT_READ || id === H.STATE_READ || id === H.STATE_WRITE;
    if (needs && source === undefined)
      throw new UnprovableStepError(ProofFault.UNKNOWN_HOST, "a host call needs the input and state proofs");
    const input = () => {
      const bytes = (source as HostWitnesses).input;
      this.w.u32(bytes.length);
      this.w.bytes(bytes);
    };
    switch (id) {
      case H.INPUT_SIZE:
        input();
        return;
      case H.INPUT_READ:
        input();
        this.subtree(0, arg(0) / WORD);
        return;
      case H.STATE_READ:
      case H.STATE_WRITE: {
        this.subtree(1, arg(0) / 64);
        const proof = (source as HostWitnesses).proveState(v.memory.slice(arg(0), arg(0) + WORD));
        this.w.bytes(Uint8Array.of(proof.length >> 8, proof.length & 0xff));
        this.w.bytes(proof);
        return;
      }
      case H.ECRECOVER:
        this.subtree(2, arg(0) / 128);
        return;
      case H.KECCAK: {
        const [src, len, dst] = [arg(0), arg(1), arg(2)];
        // The source as one or two aligned M(h) openings (docs/machine.md "Host calls"): h is the
        // smallest height whose blocks put the first and last leaf at most one block apart.
        if (len > 0) {
          const first = Math.floor(src / WORD);
          const last = Math.floor((src + len - 1) / WORD);
          let h = 0;
          while ((last >> h) - (first >> h) > 1) h++;
          for (let j = first >> h; j <= last >> h; j++) this.subtree(h, j);
        }
        this.subtree(0, dst / WORD);
        return;
      }
    }
  }

  /** M(h) at subtree j: its 2^h leaves, then the siblings of its root. */
  subtree(h: number, j: number): void {
    const v = this.v;
    const first = j * 2 ** h;
    this.w.bytes(v.memory.subarray(first * WORD, (first + 2 ** h) * WORD));
    for (const s of v.hasher.memory.proof(first, v.memory).slice(h)) this.w.bytes(s);
  }

  /** S(k): link below the top k values, then the values bottom first. */
  stack(k: number): void {
    if (k === 0) return;
    const v = this.v;
    this.w.bytes(v.hasher.values.link(v.sp - k));
    for (let i = v.sp - k; i < v.sp; i++) this.w.value(v.stack, i);
  }

  /** The stack value i below the top (0 = top) as u32 (low half). */
  top(i: number): number {
    return this.v.stack[2 * (this.v.sp - 1 - i)] >>> 0;
  }

  memoryLeaf(leaf: Uint8Array, siblings: readonly Uint8Array[]): void {
    this.w.bytes(leaf);
    for (const s of siblings) this.w.bytes(s);
  }

  /** Loads and stores: S(1) or S(2), then one or two M(0) openings if in bounds. */
  memoryAccess(op: number, offset: number): void {
    const v = this.v;
    const store = op >= 0x36;
    const width = ACCESS_WIDTH[op];
    this.stack(store ? 2 : 1);
    const ea = this.top(store ? 1 : 0) + offset;
    if (ea + width > v.memory.length) return;
    const first = Math.floor(ea / WORD);
    const last = Math.floor((ea + width - 1) / WORD);
    const tree = v.hasher.memory;
    const leaf1 = v.memory.slice(first * WORD, first * WORD + WORD);
    const sib1 = tree.proof(first, v.memory);
    this.memoryLeaf(leaf1, sib1);
    if (last === first) return;
    const leaf2 = v.memory.slice(last * WORD, last * WORD + WORD);
    const sib2 = tree.proof(last, v.memory);
    if (store) {
      // The second opening is against the root after the first leaf's write: one sibling changes.
      const bytes = new Uint8Array(8);
      const dv = new DataView(bytes.buffer);
      dv.setInt32(0, v.stack[2 * (v.sp - 1)], true);
      dv.setInt32(4, v.stack[2 * (v.sp - 1) + 1], true);
      const at = ea % WORD;
      const written = leaf1.slice();
      written.set(bytes.subarray(0, WORD - at), at);
      let level = 0;
      while (Math.floor(first / 2 ** (level + 1)) !== Math.floor(last / 2 ** (level + 1))) level++;
      sib2[level] = nodeAbove(written, first, sib1, level);
    }
    this.memoryLeaf(leaf2, sib2);
  }

  global(i: number): void {
    const v = this.v;
    this.w.value(v.globals, i);
    const leaves = new Uint8Array((v.globals.length / 2) * WORD);
    const dv = new DataView(leaves.buffer);
    for (let g = 0; g < v.globals.length / 2; g++) {
      dv.setInt32(g * WORD + 24, v.globals[2 * g + 1]);
      dv.setInt32(g * WORD + 28, v.globals[2 * g]);
    }
    for (const s of v.hasher.globals.proof(i, leaves)) this.w.bytes(s);
  }

  build(op: number, a: number, b: number, c: number): void {
    const v = this.v;
    if (isUnary(op)) {
      this.stack(1);
      return;
    }
    if (isBinary(op)) {
      this.stack(2);
      return;
    }
    if (op >= 0x28 && op <= 0x3e) {
      this.memoryAccess(op, a >>> 0);
      return;
    }
    switch (op) {
      case Op.UNREACHABLE:
      case Op.ENTER:
      case Op.CALL:
      case Op.STUB:
      case 0x3f: // memory.size
      case 0x41:
      case 0x42:
        return;
      case Op.BR_UNLESS:
      case Op.BR_TABLE:
      case 0x1a: // drop
      case 0x40: // memory.grow
        this.stack(1);
        return;
      case 0x1b: // select
        this.stack(3);
        return;
      case Op.BR:
        this.stack(c > 0 ? b + c : 0);
        return;
      case Op.BR_IF:
        this.stack(c === 0 ? 1 : 1 + b + c);
        return;
      case 0x20:
      case 0x21:
      case 0x22:
        this.stack(v.sp - v.fp - a);
        return;
      case 0x23:
        this.global(a);
        return;
      case 0x24:
        this.stack(1);
        this.global(a);
        return;
      case Op.RETURN: {
        this.stack(v.sp - v.fp);
        const d = v.depth - 1;
        this.w.bytes(v.hasher.frames.link(d));
        this.w.u32(v.frames[3 * d]);
        this.w.u32(v.frames[3 * d + 1] >> 1);
        this.w.u32(v.frames[3 * d + 2]);
        return;
      }
      case Op.CALL_INDIRECT: {
        this.stack(1);
        const i = this.top(0);
        if (i >= v.table.length) return;
        const f = v.table[i];
        const calls = f >= 0 && this.code.funcSigId[f] === a;
        if (calls && this.code.stubs[f] !== undefined)
          throw new UnprovableStepError(ProofFault.UNKNOWN_HOST, `call_indirect to stub ${f}`);
        const t = tableTree(this.code, v.table);
        this.w.bytes(t.leaves.subarray(i * WORD, i * WORD + WORD));
        for (const s of t.tree.proof(i, t.leaves)) this.w.bytes(s);
        if (calls && f < this.code.imports.length) {
          // A host function through the table: its arguments below the index, then its witnesses.
          const id = t.leaves[i * WORD + 13];
          const k = HOST_PARAMS[id];
          if (k === undefined) throw new UnprovableStepError(ProofFault.UNKNOWN_HOST, `host id ${id}`);
          this.w.bytes(v.hasher.values.link(v.sp - 1 - k));
          for (let j = v.sp - 1 - k; j < v.sp - 1; j++) this.w.value(v.stack, j);
          this.host(id, 1);
        }
        return;
      }
      case Op.CALL_HOST: {
        const k = HOST_PARAMS[b];
        if (k === undefined)
          throw new UnprovableStepError(ProofFault.UNKNOWN_HOST, `call_host ${a}: host id ${b}`);
        this.stack(k);
        this.host(b, 0);
        return;
      }
      default:
        throw new InvalidProofError(ProofFault.UNKNOWN_INSTRUCTION, `0x${op.toString(16)}`);
    }
  }
}

/**
 * The proof of `interp`'s next step, without taking it: header, instruction and
 * witnesses in the documented format. A host call that reads the input or the
 * state needs `witnesses`. Throws UnprovableStepError for a call into a
 * conformance stub, an import that is not an optio function, or a host call
 * without the witnesses it needs.
 */
export function nextStepProof(interp: Interpreter, witnesses?: HostWitnesses): Uint8Array {
  const v = interp.proofView();
  const w = new Writer();
  const pre = v.hasher.lastPreimage();
  w.bytes(pre.subarray(1, 1 + 7 * WORD));
  w.bytes(v.globalState.stateRoot);
  w.bytes(v.globalState.inputHash);
  w.bytes(v.globalState.batchContext);
  const gasWord = new Uint8Array(WORD);
  new DataView(gasWord.buffer).setBigUint64(24, BigInt(v.gas));
  w.bytes(gasWord);
  if (interp.status.kind !== "running") return w.finish();

  const code = interp.module;
  const pc = v.pc;
  const t = codeTree(code);
  w.bytes(t.leaves.subarray(pc * WORD, pc * WORD + WORD));
  for (const s of t.tree.proof(pc, t.leaves)) w.bytes(s);
  if (code.gas[pc] > v.gas) return w.finish();

  const b = new ProofBuilder(v, code, witnesses);
  b.build(code.ops[pc], code.a[pc], code.b[pc], code.c[pc]);
  const rest = b.w.finish();
  const head = w.finish();
  const out = new Uint8Array(head.length + rest.length);
  out.set(head);
  out.set(rest, head.length);
  return out;
}

/** Prove `interp`'s next step, take it, and return the step's vector (before hash, proof, after hash). */
export function stepProof(interp: Interpreter, witnesses?: HostWitnesses): StepVector {
  const proof = nextStepProof(interp, witnesses);
  const before = interp.hash().slice();
  const running = interp.status.kind === "running";
  const pc = interp.programCounter;
  const op = running ? interp.module.ops[pc] : -1;
  // Out of gas at the block charge: the instruction's gas is more than gas left (a host's own cost is not).
  const outOfGas = running && interp.module.gas[pc] > interp.gasLeft;
  const status = interp.step();
  const outcome =
    status.kind === "trapped" ? status.trap : status.kind === "outOfGas" ? "out of gas" : status.kind;
  return { before, proof, after: interp.hash().slice(), op, outOfGas, outcome };
}
