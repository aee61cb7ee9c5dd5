/**
 * `./optio l1 force-include [--deployment FILE] [--key HEX | --account N] [--json]`: makes the sequencer inbox
 * consume every delayed message queued longer than forceInclusionDelay (SequencerInbox.forceInclusion, open to
 * anyone), the arguments computed from the bridge's MessageQueued events checked against its accumulator
 * (l1/ readWaitingMessages, planForceInclusion). Any key pays the gas; default Hardhat account #1.
 */
import { parseArgs } from "node:util";
import { createPublicClient, createWalletClient, http, type PublicClient, parseEventLogs } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { readDeployment } from "../deploy/index.ts";
import {
  DelayedChainError,
  decodeRevert,
  planForceInclusion,
  readWaitingMessages,
  revertDataOf,
  sequencerInboxAbi,
} from "../l1/index.ts";
import { CliError } from "./CliError.ts";
import { keyOf } from "./trade.ts";

const USAGE = `usage: ./optio l1 force-include [--deployment FILE] [--key HEX | --account N] [--json]
  Includes every delayed message queued longer than forceInclusionDelay (SequencerInbox.forceInclusion, open to
  anyone): deposits and users' own signed transactions (./optio trade withdraw --forced) the sequencer left out.
  --deployment FILE  the deployment record (default .optio/devnet.json)
  --key HEX          the key that pays the L1 gas (default $OPTIO_KEY, else --account N: Hardhat account N, default 1)`;

const iso = (seconds: bigint) => new Date(Number(seconds) * 1000).toISOString();

export async function forceIncludeCommand(argv: readonly string[]): Promise<number> {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      deployment: { type: "string", default: ".optio/devnet.json" },
      key: { type: "string" },
      account: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (v.help) {
    console.log(USAGE);
    return 0;
  }
  let d: ReturnType<typeof readDeployment>;
  try {
    d = readDeployment(v.deployment);
  } catch (e) {
    throw new CliError(
      `cannot read ${v.deployment}: ${(e as Error).message}`,
      "run ./optio devnet or pass --deployment FILE",
    );
  }
  const transport = http(d.l1Rpc, { retryCount: 0, timeout: 30_000 });
  const client = createPublicClient({ transport }) as PublicClient;
  const inbox = d.contracts.sequencerInbox.address;
  let w: Awaited<ReturnType<typeof readWaitingMessages>>;
  try {
    w = await readWaitingMessages(client, {
      bridge: d.contracts.bridge.address,
      inbox,
      fromBlock: BigInt(d.contracts.bridge.block),
    });
  } catch (e) {
    if (e instanceof DelayedChainError) throw e;
    throw new CliError(
      `the L1 at ${d.l1Rpc} does not answer (${(e as Error).message.split("\n")[0]})`,
      "start ./optio devnet or check the RPC",
    );
  }
  const plan = planForceInclusion(w);
  const out = (human: string, data: unknown) =>
    console.log(v.json ? JSON.stringify(data, (_k, x) => (typeof x === "bigint" ? x.toString() : x)) : human);
  switch (plan.kind) {
    case "nothing":
      out(
        `nothing to include: the sequencer inbox consumed every queued message (${w.delayedConsumed})`,
        plan,
      );
      return 0;
    case "noGenesis":
      throw new CliError(
        "the sequencer never posted batch 0 (GENESIS): L1 refuses forced batches before the chain starts (NoGenesisBatch)",
        "nothing can run before GENESIS; the messages wait for the sequencer's first batch",
      );
    case "notYet":
      throw new CliError(
        `not yet: delayed message ${plan.index} was queued less than forceInclusionDelay (${w.forceInclusionDelay} s) ago; allowed at ${iso(plan.allowedAt)} (L1 time, in ${plan.allowedAt - w.now} s)`,
        "run this again from then (the sequencer may include it before)",
      );
    case "include":
      break;
  }
  const account = privateKeyToAccount(keyOf(v));
  const wallet = createWalletClient({ account, transport });
  let hash: `0x${string}`;
  try {
    hash = await wallet.writeContract({
      address: inbox,
      abi: sequencerInboxAbi,
      functionName: "forceInclusion",
      args: [plan.delayedAfter, plan.lastQueuedAt, plan.lastTxHash],
      chain: null,
    });
  } catch (e) {
    const data = revertDataOf(e);
    const r = data === null ? undefined : decodeRevert(data);
    throw new CliError(
      `SequencerInbox.forceInclusion reverted: ${r === undefined ? (e as Error).message.split("\n")[0] : `${r.errorName}(${r.args.map(String).join(", ")})`}`,
      "the inbox moved meanwhile (the sequencer included them, or someone forced them in): run this again",
    );
  }
  const receipt = await client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success")
    throw new CliError(
      `forceInclusion ${hash} reverted when mined`,
      "run this again: the inbox moved meanwhile",
    );
  const [posted] = parseEventLogs({ abi: sequencerInboxAbi, logs: receipt.logs, eventName: "BatchPosted" });
  const first = w.delayedConsumed;
  const result = {
    batch: posted?.args.number ?? null,
    delayedBefore: first,
    delayedAfter: plan.delayedAfter,
    l1TxHash: hash,
    l1Block: receipt.blockNumber,
    later: plan.later,
    nextAllowedAt: plan.nextAllowedAt,
  };
  out(
    [
      `forced batch ${result.batch}: delayed messages ${first}..${plan.delayedAfter - 1n} included (L1 tx ${hash}, block ${receipt.blockNumber})`,
      ...(plan.nextAllowedAt === null
        ? []
        : [
            `  ${plan.later} younger message(s) wait; the next may be forced in from ${iso(plan.nextAllowedAt)} (L1 time)`,
          ]),
      "  a verifier replays it from L1; with the proposers gone, one run with --propose-when-inactive asserts it",
    ].join("\n"),
    result,
  );
  return 0;
}
