/**
 * The engine's outbox entries with the transactions that made them, by index and by recipient.
 * The engine appends entry i (engineKeys.outbox(i)) for each WITHDRAW that executes OK and for
 * nothing else (engine/collateral.as.ts `withdraw`), so the k-th OK WITHDRAW in the node's log is
 * outbox index k. The index reads the log once, from a cursor, as calls come (the first call reads
 * the whole log, in chunks; later ones only what is new), keeps the entries in memory (about 200
 * bytes each), and checks each entry's recipient against the transaction's signer.
 */
import type { Hex } from "viem";
import { decodeWithdrawal, engineKeys, Outcome } from "../../protocol/engine/index.ts";
import type { LoggedTx } from "../intake/TxLog.ts";

/** Log records read between two yields to the event loop (about 10 ms of work). */
const CHUNK = 2_000;

export interface WithdrawalRecord {
  readonly index: bigint;
  readonly recipient: Hex;
  readonly amount: bigint;
  readonly txHash: Hex;
  readonly seq: number;
  /** The batch (L2 block) the WITHDRAW is in. */
  readonly batch: number;
}

/** The part of the node's log the index reads. */
export interface LogReader {
  range(from: number, to: number): Iterable<LoggedTx>;
  nextSeq(): number;
}

/** The outbox and its log disagree: the node's data is corrupt. */
export class OutboxMismatchError extends Error {
  override name = "OutboxMismatchError";
}

export class WithdrawalIndex {
  private scanned = 0;
  private reading: Promise<void> | undefined;
  private readonly list: WithdrawalRecord[] = [];
  private readonly byRecipient = new Map<Hex, number[]>();

  /** `get` reads the engine's state at the head (an entry never changes once written). */
  constructor(
    private readonly log: LogReader,
    private readonly get: (key: Uint8Array) => Uint8Array,
  ) {}

  /**
   * Reads the log written since the last call, CHUNK transactions at a time with a yield between chunks: the
   * first call on a long log must not hold the event loop (the node's execution lane shares it). Concurrent
   * callers share one pass.
   */
  catchUp(): Promise<void> {
    this.reading ??= this.read().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async read(): Promise<void> {
    for (;;) {
      const end = Math.min(this.log.nextSeq(), this.scanned + CHUNK);
      if (end <= this.scanned) return;
      for (const t of this.log.range(this.scanned, end)) {
        this.add(t);
        this.scanned = t.seq + 1;
      }
      if (this.scanned < end) return; // not visible yet: the next call reads on
      await new Promise((r) => setImmediate(r));
    }
  }

  /** Indexes one logged transaction (throws, leaving the cursor before it, if the outbox disagrees). */
  private add(t: LoggedTx): void {
    const r = t.receipt;
    if (r.type !== "WITHDRAW" || r.outcome !== Outcome.OK) return;
    const index = BigInt(this.list.length);
    const w = decodeWithdrawal(this.get(engineKeys.outbox(index)));
    if (w.recipient !== r.signer?.toLowerCase())
      throw new OutboxMismatchError(
        `outbox entry ${index} pays ${w.recipient}, expected the signer of WITHDRAW ${r.txHash} (${r.signer})`,
      );
    const rec: WithdrawalRecord = {
      index,
      recipient: w.recipient,
      amount: w.amount,
      txHash: r.txHash,
      seq: t.seq,
      batch: r.block,
    };
    this.list.push(rec);
    const mine = this.byRecipient.get(rec.recipient);
    if (mine === undefined) this.byRecipient.set(rec.recipient, [this.list.length - 1]);
    else mine.push(this.list.length - 1);
  }

  /** Withdrawals indexed so far (outbox indexes 0 .. count - 1). */
  get count(): bigint {
    return BigInt(this.list.length);
  }

  at(index: bigint): WithdrawalRecord | undefined {
    return index < BigInt(this.list.length) ? this.list[Number(index)] : undefined;
  }

  /** A recipient's withdrawals, oldest first. */
  of(recipient: Hex): WithdrawalRecord[] {
    return (this.byRecipient.get(recipient.toLowerCase() as Hex) ?? []).map((i) => this.list[i]);
  }
}
