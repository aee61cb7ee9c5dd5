/**
 * What a trader needs when the sequencer is gone, answered from the verifier's own replay of L1 (its state tree and
 * records, never the sequencer's): an address's outbox entries with their stage, the state proof Outbox.claim takes
 * for one of them against a confirmed assertion, and the nonce to sign a forced transaction with. The shapes are the
 * trader API's (docs/api.md, "Withdrawals") so the SDK's claim takes either.
 */
import { bytesToHex, getAddress, type Hex, hexToBytes, type PublicClient } from "viem";
import { outboxAbi } from "../../l1/index.ts";
import {
  decodeCounters,
  decodeNonce,
  decodeTx,
  decodeWithdrawal,
  engineKeys,
} from "../../protocol/engine/index.ts";
import { encodeProof } from "../../protocol/index.ts";
import type { AssertionRecord } from "../records.ts";
import type { Replayer } from "../replay/Replayer.ts";
import type { VerifierStore } from "../VerifierStore.ts";

type Decimal = string;

/** The stages an outbox entry passes, as far as L1 shows them (the sequencer's `pending` is invisible from L1). */
export type VerifierWithdrawalStage = "posted" | "asserted" | "claimable" | "claimed";

export interface VerifierWithdrawalView {
  readonly index: Decimal;
  readonly recipient: Hex;
  readonly amount: Decimal;
  readonly stage: VerifierWithdrawalStage;
  /** asserted: the first pending assertion (one we agree with) holding it; claimable/claimed: the latest confirmed. */
  readonly assertion: Hex | null;
  /** asserted: L1 time (seconds) its assertion can be confirmed. */
  readonly confirmableAt: Decimal | null;
}

/** Outbox.claim's arguments for one entry: the trader API's WithdrawalProof, from the verifier's tree. */
export interface VerifierWithdrawalProof {
  readonly index: Decimal;
  readonly recipient: Hex;
  readonly amount: Decimal;
  readonly assertion: Hex;
  readonly stateRoot: Hex;
  readonly batchEnd: number;
  readonly proof: Hex;
  readonly outbox: Hex;
  readonly claimed: boolean;
}

/** The nonce to sign the address's next transaction with, as L1's data stands. */
export interface VerifierNonce {
  readonly address: Hex;
  /** The next nonce: past the replayed state's and past every queued delayed message of the address. */
  readonly nonce: Decimal;
  /** The engine's nonce after the batches replayed so far. */
  readonly stateNonce: Decimal;
  readonly replayedBatches: number;
  /** The address's signed delayed messages read from L1 that no replayed batch consumed yet. */
  readonly queued: readonly { readonly index: number; readonly nonce: Decimal }[];
}

/** Why a proof is not given; each with what to do. */
export type VerifierRefusal =
  | { readonly reason: "UNKNOWN_WITHDRAWAL"; readonly index: Decimal; readonly count: Decimal }
  | {
      readonly reason: "NOT_CLAIMABLE";
      readonly index: Decimal;
      readonly stage: VerifierWithdrawalStage;
      readonly assertion: Hex | null;
      readonly confirmableAt: Decimal | null;
    }
  | { readonly reason: "PROOF_UNAVAILABLE"; readonly index: Decimal; readonly assertion: Hex };

export type Refused = VerifierRefusal & { readonly error: string; readonly fix: string };

const ZERO_WORD = `0x${"00".repeat(32)}`;

export interface WithdrawalViews {
  withdrawals(address: Hex): Promise<VerifierWithdrawalView[]>;
  withdrawalProof(
    index: bigint,
  ): Promise<{ ok: true; proof: VerifierWithdrawalProof } | { ok: false; refused: Refused }>;
  nonce(address: Hex): VerifierNonce;
}

export function createWithdrawalViews(o: {
  readonly store: VerifierStore;
  readonly replayer: Replayer;
  readonly client: PublicClient;
  readonly outbox: Hex;
}): WithdrawalViews {
  const { store, replayer } = o;
  /** A root of ours the tree still keeps, or undefined. */
  const kept = (root: Hex | undefined) =>
    root !== undefined && replayer.tree.hasRoot(hexToBytes(root)) ? hexToBytes(root) : undefined;
  const latest = () => kept(replayer.rootAfterBatches(store.replayedCount()));
  const entry = (i: bigint, root: Uint8Array) => {
    const v = replayer.tree.get(engineKeys.outbox(i), root);
    if (bytesToHex(v) === ZERO_WORD) return undefined;
    const w = decodeWithdrawal(v);
    return { recipient: getAddress(w.recipient), amount: w.amount };
  };
  /** Assertions whose state root is our own replay's after their batches (the ones we agree with). */
  const ours = (a: AssertionRecord) => replayer.rootAfterBatches(a.batchEnd) === a.stateRoot;
  const latestConfirmed = () =>
    store
      .allAssertions()
      .filter((a) => a.status === "confirmed")
      .sort((a, b) => b.batchEnd - a.batchEnd)[0];
  const claimed = (i: bigint) =>
    o.client.readContract({ address: o.outbox, abi: outboxAbi, functionName: "isClaimed", args: [i] });

  /** Where entry `i` (present in our latest state) stands. */
  async function stageOf(i: bigint): Promise<{
    stage: VerifierWithdrawalStage;
    assertion: AssertionRecord | null;
  }> {
    const c = latestConfirmed();
    const cRoot = c !== undefined && ours(c) ? kept(c.stateRoot) : undefined;
    if (c !== undefined && cRoot !== undefined && entry(i, cRoot) !== undefined)
      return { stage: (await claimed(i)) ? "claimed" : "claimable", assertion: c };
    const pending = store
      .allAssertions()
      .filter((a) => a.status === "pending" && a.verdict?.kind === "agree")
      .sort((a, b) => a.batchEnd - b.batchEnd);
    for (const a of pending) {
      const root = kept(a.stateRoot);
      if (root !== undefined && entry(i, root) !== undefined) return { stage: "asserted", assertion: a };
    }
    return { stage: "posted", assertion: null };
  }

  return {
    async withdrawals(address) {
      const root = latest();
      if (root === undefined) return [];
      const count = decodeCounters(replayer.tree.get(engineKeys.counters(), root)).withdrawals;
      const out: VerifierWithdrawalView[] = [];
      // A scan of the outbox (one tree read per entry): fine for a user's occasional look, not for a hot path.
      for (let i = 0n; i < count; i++) {
        const w = entry(i, root);
        if (w === undefined || w.recipient.toLowerCase() !== address.toLowerCase()) continue;
        const s = await stageOf(i);
        out.push({
          index: i.toString(),
          recipient: w.recipient,
          amount: w.amount.toString(),
          stage: s.stage,
          assertion: s.assertion?.id ?? null,
          confirmableAt: s.stage === "asserted" ? String(s.assertion?.deadline) : null,
        });
      }
      return out;
    },

    async withdrawalProof(i) {
      const id = i.toString();
      const root = latest();
      const count =
        root === undefined ? 0n : decodeCounters(replayer.tree.get(engineKeys.counters(), root)).withdrawals;
      const w = root === undefined ? undefined : entry(i, root);
      if (w === undefined)
        return {
          ok: false,
          refused: {
            reason: "UNKNOWN_WITHDRAWAL",
            index: id,
            count: count.toString(),
            error: `no withdrawal ${i} in this verifier's replay of L1 (${count} so far, ${store.replayedCount()} batches replayed)`,
            fix: "if you queued it with --forced, it runs once its batch is on L1: ./optio l1 force-include after forceInclusionDelay",
          },
        };
      const s = await stageOf(i);
      if (s.stage === "posted" || s.stage === "asserted") {
        const at = s.stage === "asserted" ? s.assertion?.deadline : undefined;
        return {
          ok: false,
          refused: {
            reason: "NOT_CLAIMABLE",
            index: id,
            stage: s.stage,
            assertion: s.assertion?.id ?? null,
            confirmableAt: at === undefined ? null : String(at),
            error:
              s.stage === "asserted"
                ? `withdrawal ${i} is asserted by ${s.assertion?.id}, confirmable after ${new Date(Number(at) * 1000).toISOString()} (L1 time)`
                : `withdrawal ${i} is on L1; no assertion covers it yet`,
            fix:
              s.stage === "asserted"
                ? "wait for its confirmation (any verifier confirms it after the challenge period), then claim"
                : "wait for an assertion (a verifier with --propose-when-inactive posts one once proposing opens)",
          },
        };
      }
      const a = s.assertion as AssertionRecord;
      const at = kept(a.stateRoot);
      if (at === undefined)
        return {
          ok: false,
          refused: {
            reason: "PROOF_UNAVAILABLE",
            index: id,
            assertion: a.id,
            error: `the state root after batch ${a.batchEnd - 1} is no longer kept by this verifier (keepRoots)`,
            fix: "ask a verifier that keeps more roots (--keep-roots)",
          },
        };
      return {
        ok: true,
        proof: {
          index: id,
          recipient: w.recipient,
          amount: w.amount.toString(),
          assertion: a.id,
          stateRoot: a.stateRoot,
          batchEnd: a.batchEnd,
          proof: bytesToHex(encodeProof(replayer.tree.prove(engineKeys.outbox(i), at))),
          outbox: o.outbox,
          claimed: s.stage === "claimed",
        },
      };
    },

    nonce(address) {
      const replayed = store.replayedCount();
      const root = latest();
      const stateNonce =
        root === undefined ? 0n : decodeNonce(replayer.tree.get(engineKeys.nonce(address), root));
      const consumed = replayed === 0 ? 0 : (store.batches.get(replayed - 1)?.header.delayedAfter ?? 0);
      const queued: { index: number; nonce: bigint }[] = [];
      for (const m of store.range(store.delayed, consumed, Number.MAX_SAFE_INTEGER)) {
        let tx: ReturnType<typeof decodeTx>;
        try {
          tx = decodeTx(hexToBytes(m.transaction));
        } catch {
          continue; // malformed: the engine refuses it without touching a nonce
        }
        if ("signer" in tx && tx.signer.toLowerCase() === address.toLowerCase())
          queued.push({ index: m.index, nonce: tx.nonce });
      }
      // The engine takes only the signer's next nonce, so queued messages take stateNonce, stateNonce + 1, ...
      let next = stateNonce;
      for (const q of queued) if (q.nonce === next) next++;
      return {
        address,
        nonce: next.toString(),
        stateNonce: stateNonce.toString(),
        replayedBatches: replayed,
        queued: queued.map((q) => ({ index: q.index, nonce: q.nonce.toString() })),
      };
    },
  };
}
