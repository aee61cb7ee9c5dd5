// Gas of every move at the public parameters (degree 16, TX_GAS_LIMIT 10,000,000: MAX_TX_STEPS 20,000,000) with
// worst-case inputs, against the L1 block gas limit: a move that did not fit in a block could never be made, and its
// party would lose on time. Worst cases: bisections with 17 values at both levels; the level switch on a
// MAX_TRANSACTION_BYTES (4,096-byte) transaction proven in a 1,024-transaction batch (the deepest 4-ary proof the
// test chain takes) and on a delayed message; the last part's bisection with its opening; the one-step proof of the
// most expensive step of a real host-calling transaction (keccak, state writes) on the real prover; timeouts,
// dismissals, confirmation, rejection and bond withdrawals.
import { type Abi, type Hex, parseAbi } from "viem";
import { expect, test } from "vitest";
import { MAX_TRANSACTION_BYTES, PUBLIC_PARAMS, type RollupParams } from "../../protocol/index.ts";
import { as, move, openGame } from "./driver.ts";
import { createChain, hex } from "./fixture.ts";
import { type MoveRecord, playDispute, setupDispute } from "./game.ts";
import { setupRealDispute } from "./realDispute.ts";

/** Ethereum's block gas limit before 2025 (36M since February 2025): the smallest a move must fit in. */
const L1_BLOCK_GAS_LIMIT = 30_000_000n;
/** A budget per move far below the block limit, so a regression shows long before it matters. */
const MOVE_BUDGET = 1_000_000n;

const chain = await createChain();
const { accounts } = chain;
const params: RollupParams = { ...PUBLIC_PARAMS, permissionless: true };
const maxSteps = 2 * params.txGasLimit;
const worst = new Map<string, bigint>();
const record = (kind: string, gas: bigint) =>
  worst.set(kind, gas > (worst.get(kind) ?? 0n) ? gas : (worst.get(kind) ?? 0n));

test("gas_everyMove_publicParams_worstCases_fitTheL1Block", { timeout: 300_000 }, async () => {
  // Synthetic traces: the disputed transaction is 4,096 bytes in a batch of 1,024 (tree depth 5), or a delayed
  // message; traces diverging early and at the very end (the last part's bisection with its opening).
  const big = (b: number, i: number) =>
    b === 0 && i === 700
      ? Uint8Array.from({ length: MAX_TRANSACTION_BYTES }, (_, j) => (j * 31 + 7) & 0xff || 1)
      : undefined;
  for (const [disputedTx, batches] of [
    [700, [1024, 4]],
    [1025, [1024, 4]], // the second deposit (a delayed message)
  ] as const)
    for (const honestDefender of [true, false])
      for (const divergeStep of [3, maxSteps - 2]) {
        const s = await setupDispute(chain, params, {
          honestDefender,
          disputedTx,
          divergeStep,
          batches: [...batches],
          txBytes: big,
        });
        const moves: MoveRecord[] = (await playDispute(s, params)).moves;
        for (const m of moves) record(m.kind === "bisect" ? `bisect (level ${m.level})` : m.kind, m.gas);
      }

  // The one-step proof of every kind of step of a real transaction, on the real prover: the most expensive step
  // through the prover entry, then a game ending in that step's proof.
  const probe = await setupRealDispute(chain, { degree: params.degree });
  const prover = (await probe.setup.r.cm.read.prover()) as Hex;
  const abi = parseAbi([
    "function proveOneStep((bytes32 codeRoot) ctx, bytes32 beforeHash, bytes proof) view returns (bytes32)",
  ]);
  let heaviest = { step: 0, gas: 0n };
  for (const [s, v] of probe.vectors.entries()) {
    if (v.op === -1) break;
    const gas = await chain.publicClient.estimateContractGas({
      address: prover,
      abi: abi as Abi,
      functionName: "proveOneStep",
      args: [{ codeRoot: hex(v.proof.subarray(160, 192)) }, hex(v.before), hex(v.proof)],
    });
    if (gas > heaviest.gas) heaviest = { step: s, gas };
  }
  const real = await setupRealDispute(chain, { degree: params.degree, divergeStep: () => heaviest.step });
  const game = await playDispute(real.setup, real.params);
  const proved = game.moves.find((m) => m.kind === "proveStep");
  expect(proved, "the honest challenger proves the heaviest step").toBeDefined();
  record("proveStep (real prover, heaviest step)", proved?.gas ?? 0n);

  // The ends of games and of assertions: dismissal, a rejected assertion's dismissal, confirmation, rejection, bonds.
  const s = await setupDispute(chain, params, { honestDefender: false, disputedTx: 3 });
  const { r } = s;
  const a = await openGame(s, s.honest, params);
  const b = await openGame(s, as(s.honest, accounts.other), params);
  await move(s, a, params);
  await r.advance(params.clock + 1);
  record("timeout", (await r.send(r.cm, "timeout", [a.id])).gasUsed);
  record("dismiss", (await r.send(r.cm, "dismiss", [b.id])).gasUsed);
  record("withdrawBonds", (await r.send(r.cm, "withdrawBonds", [], accounts.other)).gasUsed);
  const ok = await setupDispute(chain, params, { honestDefender: true, disputedTx: 3 });
  await ok.r.advance(params.challengePeriod);
  record("confirm", (await ok.r.send(ok.r.rollup, "confirm", [ok.assertion])).gasUsed);

  const table = [...worst.entries()].map(([kind, gas]) => ({ kind, gas: Number(gas) }));
  console.log(
    `gas at the public parameters (worst per kind):\n${table.map((x) => `  ${x.kind}: ${x.gas}`).join("\n")}`,
  );
  for (const kind of [
    "start",
    "bisect (level 0)",
    "bisect (level 1)",
    "switchToStep",
    "bisectToEnd",
    "proveStep",
  ])
    expect(worst.has(kind), kind).toBe(true);
  for (const [kind, gas] of worst) {
    expect(gas < MOVE_BUDGET, `${kind}: ${gas} gas`).toBe(true);
    expect(gas < L1_BLOCK_GAS_LIMIT, `${kind}: ${gas} gas`).toBe(true);
  }
});
