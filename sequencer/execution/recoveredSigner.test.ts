import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { encodeGenesis, Outcome, recoveryInput } from "../../protocol/engine/index.ts";
import { EMPTY_STATE, ecrecover, StateOverlay, TransactionRunner } from "../../vm/index.ts";
import { signed, trader } from "../testing/traders.ts";

const ENGINE = readFileSync(new URL("../../engine/engine.wasm", import.meta.url));
const ctx = { timestamp: 1_000n, l2Block: 0n, origin: 0n };

describe("TransactionRunner with a signer recovered ahead", () => {
  it("answers the engine's ecrecover from the recovery given, and only for its exact input", () => {
    const admin = trader(7);
    const runner = TransactionRunner.load(ENGINE);
    const state = new StateOverlay(EMPTY_STATE);
    state.apply(
      runner.runTransaction({ input: encodeGenesis(admin.address, 31337n), batchContext: ctx, state }).writes,
    );
    const tx = signed(31337n, admin, "CANCEL_ALL", { market: 0n, subaccount: 0n });
    const input = recoveryInput(31337n, tx)!;
    const real = ecrecover(input)!;
    const run = (recovered?: { input: Uint8Array; signer: Uint8Array | undefined }) =>
      runner.runTransaction({ input: tx, batchContext: ctx, state, recovered });
    const plain = run();
    const ahead = run({ input, signer: real });
    expect(ahead.code).toBe(plain.code);
    expect(ahead.gasUsed).toBe(plain.gasUsed);
    expect(ahead.writes).toEqual(plain.writes);
    expect(plain.code).not.toBe(Outcome.BAD_SIGNATURE);
    // A different answer for the same input is what the engine sees: the hook is used.
    const other = new Uint8Array(32);
    other[31] = 1;
    expect(run({ input, signer: other }).code).toBe(Outcome.BAD_SIGNATURE);
    expect(run({ input, signer: undefined }).code).toBe(Outcome.BAD_SIGNATURE);
    // A recovery for other bytes is ignored: the real recovery runs.
    const wrongInput = input.slice();
    wrongInput[0] ^= 1;
    expect(run({ input: wrongInput, signer: other }).code).toBe(plain.code);
  });
});
