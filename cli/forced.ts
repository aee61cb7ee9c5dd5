/**
 * A trader's commands for when the sequencer is down or censors them (docs/devnet.md, "When the sequencer is
 * down"): `./optio trade withdraw --forced` (and `cancel-all --forced`) signs the transaction and queues it in the
 * bridge's delayed inbox; `./optio trade claim --from-verifier URL` claims with a proof from a verifier's replay of
 * L1. Both through the SDK only.
 */
import { createPublicClient, createWalletClient, type Hex, http, type LocalAccount } from "viem";
import type { RollupDeployment } from "../deploy/index.ts";
import type { SignedTypeName, TxBody } from "../protocol/engine/index.ts";
import {
  ClaimRevertedError,
  createVerifierClient,
  ForcedRevertedError,
  type OptioClient,
  OptioTransportError,
  VerifierRefusedError,
} from "../sdk/index.ts";
import { CliError } from "./CliError.ts";
import { printClaimed, printClaimsJson } from "./claimOutput.ts";
import { formatUnits } from "./units.ts";

/** The devnet's honest verifier's inspection API (OPTIO_VERIFIER_URL moves it). */
export const DEFAULT_VERIFIER_URL = "http://127.0.0.1:8549";

const iso = (seconds: bigint) => new Date(Number(seconds) * 1000).toISOString();

/**
 * The nonce to sign a forced transaction with, and where it came from. A user with the sequencer gone cannot ask
 * it, so: `--nonce N` if given; else a verifier (`--from-verifier URL`), which reads it from its replay of L1 and
 * counts the address's delayed messages still queued; else the sequencer while it answers (it also counts what it
 * ran and has not posted yet); else the devnet's verifier.
 */
export async function forcedNonce(
  client: OptioClient,
  address: Hex,
  v: { nonce?: string; "from-verifier"?: string },
): Promise<{ nonce: bigint; source: string }> {
  if (v.nonce !== undefined) {
    if (!/^\d{1,19}$/.test(v.nonce))
      throw new CliError(`--nonce: expected a whole number, got "${v.nonce}"`, "e.g. --nonce 0");
    return { nonce: BigInt(v.nonce), source: "--nonce" };
  }
  const fromVerifier = async (url: string) => {
    const n = await createVerifierClient({ url, timeoutMs: 5_000 }).getNonce(address);
    return {
      nonce: n.next,
      source: `verifier ${url} (replayed ${n.replayedBatches} batches${n.queued.length > 0 ? `, ${n.queued.length} queued message(s) of yours` : ""})`,
    };
  };
  if (v["from-verifier"] !== undefined) {
    try {
      return await fromVerifier(v["from-verifier"]);
    } catch (e) {
      if (!(e instanceof OptioTransportError)) throw e;
      throw new CliError(
        `the verifier does not answer at ${v["from-verifier"]}: ${e.message}`,
        "pass the inspection API of a running verifier (./optio verifier --port), or --nonce N",
      );
    }
  }
  try {
    return { nonce: await client.getNonce(address), source: `sequencer ${client.transport.url}` };
  } catch (e) {
    if (!(e instanceof OptioTransportError)) throw e;
  }
  const fallback = process.env.OPTIO_VERIFIER_URL ?? DEFAULT_VERIFIER_URL;
  try {
    return await fromVerifier(fallback);
  } catch (e) {
    if (!(e instanceof OptioTransportError)) throw e;
    throw new CliError(
      `cannot learn the L2 nonce of ${address}: the sequencer does not answer at ${client.transport.url} and no verifier at ${fallback}`,
      "pass --from-verifier URL (any verifier's inspection API reads it from its replay of L1), or --nonce N (how many signed transactions of yours ran on L2: the 'nonce' ./optio trade account printed while the sequencer ran)",
    );
  }
}

/** Signs `type` with the trader's key and queues it with Bridge.sendTransaction; prints when it can be forced in. */
export async function sendForced<N extends SignedTypeName>(
  client: OptioClient,
  account: LocalAccount,
  deployment: () => RollupDeployment,
  type: N,
  body: TxBody<N>,
  v: { nonce?: string; "from-verifier"?: string; json?: boolean },
): Promise<number> {
  const { nonce, source } = await forcedNonce(client, account.address, v);
  const d = deployment();
  const transport = http(d.l1Rpc, { retryCount: 0, timeout: 30_000 });
  const walletClient = createWalletClient({ account, transport });
  const publicClient = createPublicClient({ transport });
  let f: Awaited<ReturnType<OptioClient["sendForced"]>>;
  try {
    f = await client.sendForced(type, body, {
      nonce,
      walletClient,
      publicClient,
      bridge: d.contracts.bridge.address,
      inbox: d.contracts.sequencerInbox.address,
    });
  } catch (e) {
    if (e instanceof ForcedRevertedError)
      throw new CliError(
        e.message,
        "the bridge queues any signed engine transaction but GENESIS and DEPOSIT",
      );
    throw new CliError(
      `queuing on L1 at ${d.l1Rpc} failed: ${(e as Error).message.split("\n")[0]}`,
      "check the L1 RPC and that the key has ether for gas",
    );
  }
  const now = (await publicClient.getBlock({ blockTag: "latest" })).timestamp;
  const at = f.forceableAt as bigint;
  if (v.json)
    console.log(
      JSON.stringify({
        type,
        nonce: nonce.toString(),
        nonceSource: source,
        index: f.index.toString(),
        queuedAt: f.queuedAt.toString(),
        forceableAt: at.toString(),
        txHash: f.txHash,
        l1TxHash: f.l1TxHash,
        l1Block: f.l1Block.toString(),
      }),
    );
  else
    console.log(
      [
        `queued ${type} (nonce ${nonce} from ${source}) as delayed message ${f.index} in L1 block ${f.l1Block} (tx ${f.l1TxHash}); L2 tx ${f.txHash}`,
        `  the sequencer must include it; if it does not, anyone may force it in from ${iso(at)} (L1 time${at > now ? `, in ${at - now} s` : ", now"}): ./optio l1 force-include`,
      ].join("\n"),
    );
  return 0;
}

/**
 * Claims withdrawal `index`, or every claimable one of the address, with proofs from a verifier's replay of L1
 * (no sequencer involved). The trader's key pays the L1 gas.
 */
export async function claimFromVerifier(
  url: string,
  d: RollupDeployment,
  account: LocalAccount,
  v: { index?: string; json?: boolean },
): Promise<number> {
  const verifier = createVerifierClient({ url, timeoutMs: 10_000 });
  const transport = http(d.l1Rpc, { retryCount: 0, timeout: 30_000 });
  const walletClient = createWalletClient({ account, transport });
  const publicClient = createPublicClient({ transport });
  try {
    let indexes: bigint[];
    if (v.index !== undefined) {
      if (!/^\d{1,19}$/.test(v.index))
        throw new CliError(
          `--index: expected an outbox index, got "${v.index}"`,
          "list them with --from-verifier and no --index",
        );
      indexes = [BigInt(v.index)];
    } else {
      const ws = await verifier.getWithdrawals(account.address);
      indexes = ws.filter((w) => w.stage === "claimable").map((w) => BigInt(w.index));
      if (indexes.length === 0) {
        const waiting = ws.filter((w) => w.stage !== "claimed");
        console.log(
          v.json
            ? JSON.stringify({ claimed: [], waiting })
            : waiting.length === 0
              ? `nothing to claim for ${account.address} in ${url}'s replay of L1`
              : [
                  `nothing claimable yet for ${account.address} (from ${url}):`,
                  ...waiting.map(
                    (w) =>
                      `  withdrawal ${w.index} (${formatUnits(w.amount, 6)}): ${w.stage}${w.confirmableAt === null ? "" : `, confirmable after ${iso(BigInt(w.confirmableAt))} (L1 time)`}`,
                  ),
                ].join("\n"),
        );
        return 0;
      }
    }
    const done = [];
    for (const index of indexes) {
      const c = await verifier.claimWithdrawal({
        walletClient,
        publicClient,
        index,
        outbox: d.contracts.outbox.address,
      });
      done.push(c);
      if (!v.json) printClaimed(c, d.token.symbol, url);
    }
    if (v.json) printClaimsJson(done);
    return 0;
  } catch (e) {
    if (e instanceof VerifierRefusedError)
      throw new CliError(e.message, e.fix ?? "see docs/verifier.md, Inspection API");
    if (e instanceof OptioTransportError)
      throw new CliError(
        `the verifier does not answer at ${url}: ${e.message}`,
        "pass the inspection API of a running verifier with --from-verifier URL",
      );
    if (e instanceof ClaimRevertedError)
      throw new CliError(
        e.message,
        e.errorName === "AlreadyClaimed" ? "it was paid already" : "check the withdrawal's stage, then retry",
      );
    throw e;
  }
}
