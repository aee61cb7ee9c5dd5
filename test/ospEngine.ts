/**
 * Real engine transactions (engine/engine.wasm, the exchange compiled from AssemblyScript) for the
 * one-step prover's differential replay: genesis on an empty state, deposits from the delayed
 * inbox, and presigned admin and oracle transactions. The presigned ones carry placeholder
 * signatures that only the test harness's recovery table accepts, so on the provable path (L1's real
 * ecrecover) the engine rejects them after parsing and hashing them: still real steps of the engine.
 * Each transaction is proven step by step on the state the fast runner left before it.
 */
import { loadModule } from "../vm/index.ts";
import { TX_GAS_LIMIT } from "../vm/params.ts";
import {
  ENGINE_WASM,
  EngineHarness,
  encodeDeposit,
  encodeGenesis,
  TestExchange,
  underlyingBody,
} from "./engineHarness.ts";
import type { OspVector } from "./ospCorpus.ts";
import { transactionVectors } from "./ospHostPrograms.ts";

/** Every step of a few engine transactions, at most `maxStepsPerTx` each. */
export function* engineVectors(maxStepsPerTx: number): Generator<OspVector> {
  const flat = loadModule(ENGINE_WASM);
  const h = new EngineHarness("jit");
  const x = new TestExchange(h);
  const trader = x.admin.address;
  const txs: { input: Uint8Array; origin: bigint }[] = [
    { input: encodeGenesis(x.admin.address, x.chainId), origin: 0n },
    { input: encodeDeposit(trader, 0, 1_000_000_000n), origin: 1n },
    {
      input: h.presign(x.chainId, {
        type: "SET_UNDERLYING",
        signer: x.admin.address,
        nonce: 0n,
        body: underlyingBody(0n, x.oracle.address, 3600n),
      }),
      origin: 0n,
    },
    { input: encodeDeposit(trader, 1, 5_000_000n), origin: 1n },
  ];
  for (const tx of txs) {
    const pre = [...h.state.entries()].map(([key, value]) => ({ key, value }));
    const context = { ...h.context, origin: tx.origin };
    let n = 0;
    for (const v of transactionVectors(flat, tx.input, TX_GAS_LIMIT, pre, undefined, context)) {
      yield v;
      if (++n >= maxStepsPerTx) break;
    }
    h.run(tx.input, tx.origin);
  }
}
