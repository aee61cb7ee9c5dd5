import { mkdirSync } from "node:fs";
import { type Database, open, type RootDatabase } from "lmdb";
import type { LogCursor } from "../l1/index.ts";
import type {
  AssertionRecord,
  BatchRecord,
  ChallengeRecord,
  DelayedRecord,
  ReplayRecord,
} from "./records.ts";

/** A cursor as stored (block numbers as decimal strings: LMDB's msgpack keeps bigint only with an option). */
type StoredCursor = { checkpoints: { number: string; hash: `0x${string}` }[] };

/**
 * The verifier's own database (LMDB, docs/verifier.md "Data directory"): the L1 cursor and everything read
 * from L1 with it (batches with their transactions, delayed messages, assertions, challenges), our replay
 * records and our game records. It is written only from L1 data and our own computation: the verifier never
 * reads the sequencer's database or API. What one L1 log range brings is written in one LMDB transaction with
 * the cursor after it, so a crash never skips or repeats a log.
 */
export class VerifierStore {
  readonly env: RootDatabase;
  readonly meta: Database<unknown, string>;
  readonly batches: Database<BatchRecord, number>;
  readonly delayed: Database<DelayedRecord, number>;
  readonly replays: Database<ReplayRecord, number>;
  readonly assertions: Database<AssertionRecord, string>;
  readonly challenges: Database<ChallengeRecord, number>;
  /** Game records (verifier/dispute/gameState.ts) as their JSON. */
  readonly games: Database<string, number>;

  constructor(path: string) {
    mkdirSync(path, { recursive: true });
    this.env = open({ path, maxDbs: 8, compression: false });
    this.meta = this.env.openDB({ name: "meta" });
    this.batches = this.env.openDB({ name: "batches" });
    this.delayed = this.env.openDB({ name: "delayed" });
    this.replays = this.env.openDB({ name: "replays" });
    this.assertions = this.env.openDB({ name: "assertions" });
    this.challenges = this.env.openDB({ name: "challenges" });
    this.games = this.env.openDB({ name: "games" });
  }

  cursor(): LogCursor | null {
    const c = this.meta.get("cursor") as StoredCursor | undefined;
    if (c === undefined) return null;
    return { checkpoints: c.checkpoints.map((p) => ({ number: BigInt(p.number), hash: p.hash })) };
  }

  /** Runs `write` and stores `cursor` in one LMDB transaction (resolves once committed). */
  async commit(cursor: LogCursor, write: () => void): Promise<void> {
    const stored: StoredCursor = {
      checkpoints: cursor.checkpoints.map((p) => ({ number: p.number.toString(), hash: p.hash })),
    };
    await this.env.transaction(() => {
      write();
      this.meta.put("cursor", stored);
    });
  }

  /** Batches posted so far (contiguous from 0). */
  batchCount(): number {
    for (const key of this.batches.getKeys({ reverse: true, limit: 1 })) return key + 1;
    return 0;
  }

  delayedCount(): number {
    for (const key of this.delayed.getKeys({ reverse: true, limit: 1 })) return key + 1;
    return 0;
  }

  /** Replayed batches (contiguous from 0). */
  replayedCount(): number {
    for (const key of this.replays.getKeys({ reverse: true, limit: 1 })) return key + 1;
    return 0;
  }

  *range<V>(db: Database<V, number>, from: number, to: number): Generator<V> {
    for (const { value } of db.getRange({ start: from, end: to })) yield value;
  }

  allAssertions(): AssertionRecord[] {
    return [...this.assertions.getRange({})].map((e) => e.value);
  }

  allChallenges(): ChallengeRecord[] {
    return [...this.challenges.getRange({})].map((e) => e.value);
  }

  /**
   * Forgets everything L1 showed after block `keep` (a reorg; null: everything) and stores `cursor`; returns the
   * first batch number forgotten (the replay must be undone from there), if any.
   */
  async rewind(keep: bigint | null, cursor: LogCursor): Promise<number | undefined> {
    const after = (block: number) => keep === null || BigInt(block) > keep;
    let firstBatch: number | undefined;
    await this.commit(cursor, () => {
      for (const { key, value } of this.batches.getRange({}))
        if (after(value.l1Block)) {
          firstBatch ??= key;
          this.batches.remove(key);
        }
      for (const { key, value } of this.delayed.getRange({}))
        if (after(value.l1Block)) this.delayed.remove(key);
      for (const { key, value } of this.assertions.getRange({}))
        if (after(value.l1Block)) this.assertions.remove(key);
      for (const { key, value } of this.challenges.getRange({})) {
        if (after(value.l1Block)) this.challenges.remove(key);
        else {
          const events = value.events.filter((e) => !after(e.l1Block));
          if (events.length !== value.events.length) this.challenges.put(key, { ...value, events });
        }
      }
    });
    return firstBatch;
  }

  async close(): Promise<void> {
    await this.env.close();
  }
}
