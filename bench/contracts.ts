/**
 * `npm run bench -- contracts`: gas of the rollup contracts on Hardhat's in-process chain (EDR, Prague rules:
 * calldata is charged at least EIP-7623's floor of 10 gas per token, 40 per non-zero byte).
 *
 * contracts.gas.NAME: the whole transaction's gas used (intrinsic and calldata included), except
 *   batch_per_tx: the inbox commitment's execution gas per transaction in a 1,000-transaction batch
 *   (BatchMerkle.batchRoot measured alone with gasleft(), calldata excluded).
 *   bisection_move is the most expensive move over both levels at the default degree (the level switch
 *   included); the other moves are reported beside it.
 * contracts.dispute.txs_per_side / gas_per_side (and .d2 for degree 2): a full dispute over a batch of 10,000
 *   transactions whose disputed transaction has MAX_TX_STEPS steps, computed from the number of moves at each
 *   level (protocol/rollup/bisection.ts disputeMoves) and the worst measured gas of each move kind in real games
 *   at that degree; the side with more moves counts its challenge start (challenger) and moves, not the
 *   assertion (posted with or without a dispute).
 * one_step_move is measured with the real one-step prover (contracts/osp/): games over a real host-calling
 *   transaction (test/rollup/realDispute.ts) diverging at the first step of each kind of instruction it runs;
 *   the figure is the most expensive, and the dispute figures use it.
 * Gas is deterministic: one run each.
 */
import { disputeMoves, encodeBatch, PUBLIC_PARAMS, type RollupParams } from "../protocol/index.ts";
import { createChain, deployRollup, hex } from "../test/rollup/fixture.ts";
import { type MoveRecord, playDispute, setupDispute } from "../test/rollup/game.ts";
import { setupRealDispute } from "../test/rollup/realDispute.ts";
import { emit, note } from "./report.ts";

/** A typical signed order: 65-byte signature, account (4), market (2), flags (1), price, size, nonce (8 each), expiry (4). */
const ORDER_BYTES = 100;
const BATCH_ORDERS = 1_000;
const DISPUTE_TXS = 10_000;

function order(i: number): Uint8Array {
  const out = new Uint8Array(ORDER_BYTES);
  let x = (i + 1) * 0x9e3779b1;
  for (let j = 0; j < ORDER_BYTES; j++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[j] = (x >>> 16) & 0xff || 1;
  }
  return out;
}

function line(name: string, value: bigint | number, extra: Record<string, unknown> = {}) {
  emit({ name, value: Number(value), unit: "gas", ...extra });
}

export async function main(_args: string[]): Promise<void> {
  const chain = await createChain();
  const { accounts } = chain;
  const params: RollupParams = { ...PUBLIC_PARAMS, permissionless: true };

  // Inbox, bridge, rollup, outbox: one deployment, the operations in a user's order.
  const r = await deployRollup(chain, { params });
  note("batch of 1,000 orders");
  const orders = Array.from({ length: BATCH_ORDERS }, (_, i) => order(i));
  await r.postBatch([order(-1)]); // the first batch pays for fresh storage slots; measure the next
  const batch = await r.postBatch(orders);
  const calldata = encodeBatch(orders).length;
  line("contracts.gas.batch_post", batch.receipt.gasUsed, {
    transactions: BATCH_ORDERS,
    orderBytes: ORDER_BYTES,
    calldataBytes: calldata,
  });
  const harness = (await chain.viem.deployContract("RollupHashesHarness" as never)) as unknown as {
    read: { batchRootGas(a: unknown[]): Promise<readonly [bigint, string]> };
  };
  const [rootGas] = await harness.read.batchRootGas([hex(encodeBatch(orders))]);
  line("contracts.gas.batch_per_tx", Number(rootGas) / BATCH_ORDERS, {
    batchRootGas: Number(rootGas),
    target: 300,
  });

  await r.send(r.token, "mint", [accounts.user, 10n ** 12n]);
  await r.send(r.token, "approve", [r.bridge.address, 10n ** 12n], accounts.user);
  await r.send(r.bridge, "deposit", [1_000_000n, accounts.user, 0], accounts.user);
  const deposit = await r.send(r.bridge, "deposit", [5_000_000n, accounts.user, 0], accounts.user);
  line("contracts.gas.deposit", deposit.gasUsed);

  // Assertion, confirmation and a withdrawal claim: the dispute setup's assertion holds one engine outbox entry.
  const setup = await setupDispute(chain, params, { honestDefender: true, disputedTx: 3, batches: [300] });
  const created = await setup.r.publicClient.getTransactionReceipt({
    hash: (await setup.r.publicClient.getBlock({ includeTransactions: true })).transactions[0].hash,
  });
  line("contracts.gas.assertion", created.gasUsed);
  await setup.r.advance(params.challengePeriod);
  const confirm = await setup.r.send(setup.r.rollup, "confirm", [setup.assertion]);
  line("contracts.gas.confirm", confirm.gasUsed);
  const claim = await setup.r.send(setup.r.outbox, "claim", [setup.assertion, 0n, setup.withdrawalProof(0)]);
  line("contracts.gas.withdraw_claim", claim.gasUsed);

  // Real games at the default degree and at degree 2: 302 transactions (full-degree bisections at the
  // transaction level), MAX_TX_STEPS steps; traces diverging early (ends in a one-step proof or a timeout) and
  // late (the game runs down the last parts, opening the last machine hash).
  // The one-step move with the real prover: one game per kind of step the transaction runs.
  note("one-step moves with the real prover");
  let realProve = 0;
  let realProveStep = "";
  let proven = 0;
  const probe = await setupRealDispute(chain);
  const stepKinds = new Map<string, number>();
  probe.vectors.forEach((v, s) => {
    const key = v.op === 0x12 ? `call_host:${v.proof[364]}` : `op:${v.op}`;
    if (v.op !== -1 && !stepKinds.has(key)) stepKinds.set(key, s);
  });
  for (const [kind, step] of stepKinds) {
    // The traces agree up to the hash before `step` and part after it: the honest party proves that step.
    const d = await setupRealDispute(chain, { divergeStep: () => step });
    const game = await playDispute(d.setup, d.params);
    const proved = game.moves.find((m) => m.kind === "proveStep");
    if (proved) proven++;
    if (proved && Number(proved.gas) > realProve) {
      realProve = Number(proved.gas);
      realProveStep = kind;
    }
  }

  const maxTxSteps = 2 * params.txGasLimit;
  for (const degree of [params.degree, 2]) {
    const p = { ...params, degree };
    const moves: MoveRecord[] = [];
    for (const honestDefender of [true, false])
      for (const divergeStep of [3, maxTxSteps - 2]) {
        note(
          `game: degree ${degree}, honest ${honestDefender ? "defender" : "challenger"}, diverging at step ${divergeStep}`,
        );
        const s = await setupDispute(chain, p, {
          honestDefender,
          disputedTx: 150,
          divergeStep,
          batches: [300],
        });
        moves.push(...(await playDispute(s, p)).moves);
      }
    const worst = (f: (m: MoveRecord) => boolean) =>
      Math.max(0, ...moves.filter(f).map((m) => Number(m.gas)));
    const start = worst((m) => m.kind === "start");
    const txBisect = worst((m) => m.kind === "bisect" && m.level === 0);
    const stepBisect = worst((m) => (m.kind === "bisect" || m.kind === "bisectToEnd") && m.level === 1);
    const toEnd = worst((m) => m.kind === "bisectToEnd");
    const levelSwitch = worst((m) => m.kind === "switchToStep");
    const prove = Math.max(
      realProve,
      worst((m) => m.kind === "proveStep"),
    );
    const suffix = degree === params.degree ? "" : `.d${degree}`;
    if (degree === params.degree) {
      line("contracts.gas.challenge_start", start);
      const most = Math.max(txBisect, stepBisect, levelSwitch);
      const which =
        most === levelSwitch ? "level switch" : most === stepBisect ? "step level" : "transaction level";
      line("contracts.gas.bisection_move", most, { degree, move: which, target: 150_000 });
      line("contracts.gas.bisection_move.transaction_level", txBisect, { degree });
      line("contracts.gas.bisection_move.step_level", stepBisect, {
        degree,
        lastPartWithOpening: Number(toEnd),
      });
      line("contracts.gas.level_switch", levelSwitch, { degree });
      line("contracts.gas.one_step_move", prove, {
        degree,
        prover: "contracts/osp (real), worst over the kinds of step of a host-calling transaction",
        worstStep: realProveStep,
        kinds: stepKinds.size,
        kindsEndingInAProof: proven,
        withProverDouble: worst((m) => m.kind === "proveStep"),
      });
    }
    // A dispute over 10,000 transactions and MAX_TX_STEPS steps: the moves by kind, alternating from the challenger.
    const plan = disputeMoves(DISPUTE_TXS, maxTxSteps, degree);
    const kinds: number[] = [
      ...Array(plan.transactionLevel).fill(txBisect),
      levelSwitch,
      ...Array(plan.stepLevel - 1).fill(stepBisect),
      prove,
    ];
    const gas = [start, 0]; // [challenger, defender]
    kinds.forEach((g, i) => {
      gas[i % 2] += g;
    });
    const perSide = Math.max(plan.challenger, plan.defender);
    emit({
      name: `contracts.dispute.txs_per_side${suffix}`,
      value: perSide,
      unit: "transactions",
      degree,
      transactions: DISPUTE_TXS,
      steps: maxTxSteps,
      challenger: plan.challenger,
      defender: plan.defender,
      movesTransactionLevel: plan.transactionLevel,
      movesStepLevel: plan.stepLevel,
      at2pow24Steps: Math.max(
        disputeMoves(DISPUTE_TXS, 2 ** 24, degree).challenger,
        disputeMoves(DISPUTE_TXS, 2 ** 24, degree).defender,
      ),
      method: "moves per level from disputeMoves; the challenger also starts the challenge",
      ...(degree === params.degree ? { target: 20 } : {}),
    });
    emit({
      name: `contracts.dispute.gas_per_side${suffix}`,
      value: Math.max(gas[0], gas[1]),
      unit: "gas",
      degree,
      challenger: gas[0],
      defender: gas[1],
      method: "sum over the side's moves of the worst measured gas of that move kind at this degree",
    });
  }
}
