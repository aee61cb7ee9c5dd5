// A batch on a real StateTree: the fast path's writes, buffered in one StateOverlay and committed
// at once, give the root the provable path reaches transaction by transaction from the tree's proofs.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InvalidLengthError, StateTree, ZERO } from "../../protocol/index.ts";
import { loadModule } from "../loadModule.ts";
import { ProvableTransaction } from "../ProvableTransaction.ts";
import { TransactionRunner } from "../TransactionRunner.ts";
import { hostScenarios, PRE_KEYS, PRE_VALUES } from "../testing/hostScenarios.ts";
import { ProvableState } from "./ProvableState.ts";
import { StateOverlay } from "./StateOverlay.ts";

const dir = mkdtempSync(join(tmpdir(), "optio-vm-batch-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const CONTEXT = { timestamp: 100n, l2Block: 5n, origin: 0n };

describe("StateOverlay", () => {
  it("test_stateOverlay_batchCommit_equalsProvableRoots_succeeds", async () => {
    const tree = StateTree.open({ path: dir });
    const filler: [Uint8Array, Uint8Array][] = [];
    for (let i = 0; i < 500; i++)
      filler.push([new Uint8Array(randomBytes(32)), new Uint8Array(randomBytes(32))]);
    const pre = tree.commit([
      ...PRE_KEYS.map((k, i) => [k, PRE_VALUES[i]] as [Uint8Array, Uint8Array]),
      ...filler,
    ]);

    const scenarios = hostScenarios(new Uint8Array(128));
    const batch = [
      "readWrite",
      "overwriteAndDelete",
      "revert",
      "readWrite",
      "manyWrites",
      "trapAfterWrite",
      "overwriteAndDelete",
    ]
      .map((name) => scenarios.find((s) => s.name === name)!)
      .map((s, i) => ({ ...s, input: i === 3 ? s.input.map((b) => b ^ 1) : s.input }));

    const overlay = new StateOverlay(tree);
    let provable = ProvableState.fromStateTree(tree, pre.root);
    for (const s of batch) {
      const fast = TransactionRunner.load(s.bytes).runTransaction({
        input: s.input,
        batchContext: CONTEXT,
        state: overlay,
      });
      if (fast.outcome === "executed") overlay.apply(fast.writes);
      const tx = ProvableTransaction.start(loadModule(s.bytes), {
        input: s.input,
        batchContext: CONTEXT,
        state: provable,
      });
      const slow = tx.run();
      expect(slow.outcome, s.name).toBe(fast.outcome);
      expect(slow.gasLeft, s.name).toBe(fast.gasLeft);
      expect(slow.writes.map(([k, v]) => hex(k) + hex(v))).toEqual(
        fast.writes.map(([k, v]) => hex(k) + hex(v)),
      );
      if (slow.outcome === "executed") provable = tx.state;
      else expect(hex(tx.postRoot)).toBe(hex(provable.root));
    }
    expect(overlay.size).toBeGreaterThan(40);
    const committed = tree.commit(overlay.writes());
    expect(hex(committed.root)).toBe(hex(provable.root));
    // Every key reads the same from the committed tree and the provable state.
    for (const [k] of overlay.writes()) expect(hex(tree.get(k))).toBe(hex(provable.get(k)));
    await tree.close();
  });

  it("test_stateOverlay_readsWritesFirst_succeeds", () => {
    const k = new Uint8Array(32).fill(1);
    const base = new StateOverlay({ get: (key) => (key[0] === 1 ? new Uint8Array(32).fill(9) : ZERO) });
    const top = new StateOverlay(base);
    expect(top.get(k)[0]).toBe(9);
    base.set(k, new Uint8Array(32).fill(2));
    top.set(new Uint8Array(32).fill(3), new Uint8Array(32).fill(4));
    top.set(k, ZERO);
    expect(hex(top.get(k))).toBe(hex(ZERO));
    expect(base.get(k)[0]).toBe(2);
    expect(top.writes().map(([key]) => key[0])).toEqual([3, 1]);
    expect(() => top.set(new Uint8Array(31), ZERO)).toThrow(InvalidLengthError);
    top.clear();
    expect(top.size).toBe(0);
  });
});
