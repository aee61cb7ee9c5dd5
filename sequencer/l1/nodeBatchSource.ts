/**
 * The sequencer's sealed batches as l1/'s BatchPoster and Proposer read them (BatchSource), and
 * where each landed on L1 (kept in the data directory; the trader API shows it with the batch).
 * Delayed messages are not in a batch's calldata: only the count consumed after it.
 */
import { join } from "node:path";
import type { Hex } from "viem";
import type { BatchSource, PostedBatch, SealedBatch } from "../../l1/index.ts";
import type { SequencerNode } from "../SequencerNode.ts";
import { JsonFile } from "./JsonFile.ts";

interface PostedRecord {
  count: number;
  batches: Record<string, { batchHash: Hex; txHash: Hex | null; blockNumber: string | null }>;
}

export class NodeBatchSource implements BatchSource {
  private readonly file: JsonFile<PostedRecord>;
  private posted: PostedRecord;

  constructor(
    private readonly node: SequencerNode,
    dataDir: string,
  ) {
    this.file = new JsonFile(join(dataDir, "l1-posted.json"));
    this.posted = this.file.read() ?? { count: 0, batches: {} };
  }

  async sealedFrom(from: bigint, limit: number): Promise<readonly SealedBatch[]> {
    const out: SealedBatch[] = [];
    for (let n = Number(from); out.length < limit; n++) {
      const rec = this.node.log.batch(n);
      if (rec === undefined || rec.txCount === undefined || rec.stateRoot === undefined) break;
      const transactions: Uint8Array[] = [];
      for (const t of this.node.log.range(rec.firstSeq, rec.firstSeq + rec.txCount))
        if (t.origin === 0) transactions.push(t.tx);
      out.push({
        number: BigInt(n),
        transactions,
        timestamp: rec.timestamp,
        delayedAfter: rec.delayedTo,
        postRoot: rec.stateRoot as Hex,
      });
    }
    return out;
  }

  async postedCount(): Promise<bigint> {
    return BigInt(this.posted.count);
  }

  async markPosted(p: PostedBatch): Promise<void> {
    const n = Number(p.number);
    this.posted.batches[n] = {
      batchHash: p.batchHash,
      txHash: p.txHash,
      blockNumber: p.blockNumber === null ? null : p.blockNumber.toString(),
    };
    while (this.posted.batches[this.posted.count] !== undefined) this.posted.count++;
    this.file.write(this.posted);
  }

  /** Where batch n landed on L1, if recorded. */
  postedBatch(n: number): { txHash: Hex | null; blockNumber: string | null } | undefined {
    return this.posted.batches[n];
  }

  /** The last batch recorded as posted, or null. */
  lastPosted(): number | null {
    return this.posted.count === 0 ? null : this.posted.count - 1;
  }
}
