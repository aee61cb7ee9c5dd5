import { Worker } from "node:worker_threads";
import { bytesToHex } from "viem";
import { readU64, writeU64 } from "../bytes.ts";
import { OptioError, StorageError, UnknownRootError } from "../errors.ts";
import type { WriteRequest, WriterReply } from "./commitWriter.ts";
import { assertWord, bitAt, equalBytes, isZero, ZERO } from "./hash.ts";
import { CHILD, LEAF, type NewEntry, Page, type SlotChange } from "./page.ts";
import type { StateProof } from "./proof.ts";
import {
  appendPage,
  type CommitMeta,
  concat,
  META_KEY,
  openTreeDatabases,
  pageKey,
  storeCommitMeta,
  type TreeDatabases,
  u64,
} from "./store.ts";

export interface StateTreeOptions {
  /** Directory of the LMDB environment; created if missing. */
  path: string;
  /**
   * How many committed roots stay readable (the newest one included). Disputes
   * read and prove keys at the roots of batches still inside the challenge
   * period, so this must cover that many commits. Default 4096.
   */
  keepRoots?: number;
  /**
   * How many pages of the newest tree to keep in memory (about 3 KB each; a
   * 1M-leaf tree has ~95k). Default 200,000. Pages of older roots are read from
   * the database through a small cache of their own.
   */
  cachePages?: number;
}

export interface CommitResult {
  root: Uint8Array;
  version: number;
}

/** A commit whose root is computed and whose pages are still being written (`commitAsync`). */
export interface PendingCommit extends CommitResult {
  /**
   * Resolves once the commit is as durable as a returned `commit()`: it survives a
   * crash of this process. Rejects with StorageError if writing failed; then this
   * commit and every later one still pending are undone, and the tree is back at
   * its last written commit.
   */
  readonly written: Promise<CommitResult>;
}

/** What a commit changed, computed before anything is stored. */
interface StagedCommit extends CommitMeta {
  /** The pages this commit wrote, by level, each level in prefix order. */
  newPages: Page[][];
}

/** A commit of commitAsync being written. */
interface Pending {
  readonly version: number;
  readonly root: Uint8Array;
  readonly rootPageVersion: number;
  /** Settles (never rejects) once this commit is written or has failed. */
  readonly settled: Promise<void>;
}

interface Write {
  key: Uint8Array;
  value: Uint8Array;
}

/** What a page update returns to its parent slot: a new entry, nothing (empty), or no change. */
const UNCHANGED = Symbol("unchanged");
type SlotUpdate = NewEntry | undefined | typeof UNCHANGED;
/** oneWrite's answer when the slot must go through updateLeafSlot. */
const SPLIT = Symbol("split");

/**
 * The persisted sparse Merkle state tree (docs/protocol.md, "State tree").
 *
 * Storage is versioned: each commit writes the pages it changed under a new
 * version number and never overwrites a page, so every kept root can still be
 * read and proven. The pages a commit at version v replaced are listed in one
 * stale-index record under v; once v is older than every kept root, the page is deleted.
 * A commit is one LMDB transaction: after this process dies the tree is
 * exactly at the last commit that returned (after a machine crash, at the last
 * one `flushed()` confirmed, or later).
 */
export class StateTree {
  private readonly dbs: TreeDatabases;
  private readonly keepRoots: number;
  private readonly cachePages: number;
  /** Pages of the newest tree, by level and prefix; mutated in place by each commit. */
  private readonly live = new Map<number | string, Page>();
  /** Pages of older roots, by full page key. */
  private readonly old = new Map<string, Page>();
  private latest: number;
  private oldest: number;
  private latestRoot: Uint8Array;
  private readonly staleList = new KeyList();
  private readonly path: string;
  /** commitAsync's commits still being written, oldest first. */
  private pending: Pending[] = [];
  /** The thread that writes them (commitWriter.ts), started by the first commitAsync. */
  private writer: Worker | undefined;
  /** Answers the writer owes, by request id. */
  private readonly replies = new Map<number, (reply: WriterReply) => void>();
  private nextRequest = 0;
  /** Buffers for a commit's page records, sent to the writer and handed back. */
  private readonly arenas: Uint8Array[] = [];
  /** Counts undone runs of pending commits: a commit staged in an earlier run is never written. */
  private generation = 0;
  /** Set when a commit failed half-way while others were pending: the tree in memory can no longer be trusted. */
  private broken: Error | undefined;

  private constructor(options: StateTreeOptions) {
    this.keepRoots = options.keepRoots ?? 4096;
    this.cachePages = options.cachePages ?? 200_000;
    if (!Number.isInteger(this.keepRoots) || this.keepRoots < 1) {
      throw new OptioError(`keepRoots: expected a whole number >= 1, got ${options.keepRoots}`);
    }
    this.path = options.path;
    this.dbs = openTreeDatabases(options.path);
    const meta = this.dbs.roots.getBinary(META_KEY);
    if (meta === undefined) {
      this.dbs.env.transactionSync(() => {
        this.dbs.pages.put(pageKey(0, new Uint8Array(0), 0), Page.empty(0).record());
        this.dbs.roots.put(u64(0), concat(ZERO, u64(0)));
        this.dbs.byRoot.put(ZERO, u64(0));
        this.dbs.roots.put(META_KEY, concat(u64(0), u64(0)));
      });
      this.latest = 0;
      this.oldest = 0;
    } else {
      this.latest = readU64(meta, 0);
      this.oldest = readU64(meta, 8);
    }
    this.latestRoot = this.rootRecordAt(this.latest).root;
  }

  /** Opens (or creates) the tree stored at `options.path`. */
  static open(options: StateTreeOptions): StateTree {
    return new StateTree(options);
  }

  /** The root of the last commit. */
  get root(): Uint8Array {
    return this.latestRoot;
  }

  /** The version of the last commit (0 is the empty tree). */
  get version(): number {
    return this.latest;
  }

  /** The kept roots, oldest first. */
  keptRoots(): CommitResult[] {
    const out: CommitResult[] = [];
    for (let v = this.oldest; v <= this.latest; v++)
      out.push({ version: v, root: this.rootRecordAt(v).root });
    return out;
  }

  /** Whether `root` is one of the kept roots. */
  hasRoot(root: Uint8Array): boolean {
    assertWord("root", root);
    if (this.pending.some((p) => equalBytes(p.root, root))) return true;
    const v = this.dbs.byRoot.getBinary(root);
    return v !== undefined && readU64(v, 0) >= this.oldest;
  }

  /** The value of `key` (ZERO if absent) at `root`, by default the latest root. */
  get(key: Uint8Array, root?: Uint8Array): Uint8Array {
    assertWord("key", key);
    const version = this.versionOf(root);
    const live = version === this.latest;
    let { pageVersion } = this.rootRecordAt(version);
    for (let level = 0; level < 32; level++) {
      const page = this.loadPage(level, key, pageVersion, live);
      const i = page.indexOf(key[level]);
      if (i < 0) return ZERO;
      if (page.kind(i) === LEAF) return equalBytes(page.a(i), key) ? page.b(i).slice() : ZERO;
      pageVersion = page.version(i);
    }
    throw new StorageError("corrupt state tree: a path runs past 32 levels");
  }

  /** The proof for `key` at `root` (default latest), in the form encodeProof serializes. */
  prove(key: Uint8Array, root?: Uint8Array): StateProof {
    assertWord("key", key);
    const version = this.versionOf(root);
    const live = version === this.latest;
    let { pageVersion } = this.rootRecordAt(version);
    const siblings: Uint8Array[] = [];
    for (let level = 0; level < 32; level++) {
      const page = this.loadPage(level, key, pageVersion, live);
      const slot = key[level];
      // Descend the page's eight binary levels while the range holds two or more leaves.
      for (let b = 0; b <= 8; b++) {
        const idx = slot >> (8 - b);
        const [lo, hi] = page.range(b, idx);
        if (hi === lo) return this.terminal(key, siblings, -1, page, b, idx, level, live);
        if (hi - lo === 1 && page.kind(lo) === LEAF)
          return this.terminal(key, siblings, lo, page, b, idx, level, live);
        if (b === 8) break;
        const bit = bitAt(key, level * 8 + b);
        siblings.push(page.hash(b + 1, ((idx << 1) | bit) ^ 1).slice());
      }
      const i = page.indexOf(slot);
      pageVersion = page.version(i);
    }
    throw new StorageError("corrupt state tree: a path runs past 32 levels");
  }

  /**
   * Applies `writes` (32-byte key, 32-byte value; ZERO deletes; a later write
   * to the same key wins) and commits the new root durably in one transaction.
   * Invalid input throws before anything changes.
   */
  commit(writes: Iterable<readonly [Uint8Array, Uint8Array]>): CommitResult {
    if (this.pending.length > 0) {
      throw new OptioError(
        `commit: ${this.pending.length} commit(s) from commitAsync are still being written; await the last one's written promise first`,
      );
    }
    const staged = this.stage(writes);
    try {
      this.dbs.env.transactionSync(() => {
        for (const pages of staged.newPages)
          for (const page of pages)
            appendPage(
              this.dbs,
              pageKey(page.level, page.prefix, staged.version),
              page.record(),
              staged.version,
            );
        storeCommitMeta(this.dbs, staged);
      });
    } catch (cause) {
      this.live.clear();
      if (cause instanceof OptioError) throw cause;
      throw new StorageError(
        "state commit failed; the tree is unchanged",
        { version: staged.version },
        { cause },
      );
    }
    this.advance(staged);
    this.trimLive();
    return { root: staged.root, version: staged.version };
  }

  /**
   * `commit`, with the writing to the database done in the background: the new
   * root is computed and readable at once, and `written` resolves when it is
   * stored. The tree's writer thread (commitWriter.ts) stores it, so the next
   * commitAsync computes its root while this one is written. Commits are
   * written in the order made; a failed write undoes it and every later
   * pending commit. While commits are pending, the latest root reads and
   * proves as usual; an older pending root cannot be read until it is
   * written, and `commit` refuses.
   */
  commitAsync(writes: Iterable<readonly [Uint8Array, Uint8Array]>): PendingCommit {
    const staged = this.stage(writes);
    // The writer gets copies: the next commit changes the live pages in place.
    let total = 0;
    let keyBytes = 0;
    let count = 0;
    for (const pages of staged.newPages) {
      for (const page of pages) {
        total += page.record().length;
        keyBytes += 10 + page.level;
        count++;
      }
    }
    const records = this.takeArena(total);
    const keys = new Uint8Array(keyBytes);
    const sizes = new Uint32Array(count);
    let at = 0;
    let k = 0;
    let n = 0;
    for (const pages of staged.newPages) {
      for (const page of pages) {
        const r = page.record();
        records.set(r, at);
        at += r.length;
        sizes[n++] = r.length;
        const key = pageKey(page.level, page.prefix, staged.version);
        keys[k] = key.length;
        keys.set(key, k + 1);
        k += 1 + key.length;
      }
    }
    const { version, root, rootPageVersion, oldest } = staged;
    const meta: CommitMeta = { version, root, rootPageVersion, oldest, stale: staged.stale.slice() };
    this.advance(staged);
    const generation = this.generation;
    const written = this.write({ type: "write", id: 0, generation, meta, keys, records, sizes }).then(
      (reply) => {
        if (reply.ok) {
          if (reply.records) this.arenas.push(reply.records);
          this.dbs.env.resetReadTxn(); // the writer's commit is visible to this thread's reads from now
          this.pending.shift();
          if (this.pending.length === 0) this.trimLive();
          return { root, version };
        }
        if (reply.undone || generation !== this.generation)
          throw new StorageError("state commit undone: an earlier commit failed to write", { version });
        this.undoPending();
        throw new StorageError(
          `state commit failed to write (${reply.message}); the tree is back at its last written commit`,
          { version },
        );
      },
    );
    const settled = written.then(
      () => undefined,
      () => undefined,
    );
    this.pending.push({ version, root, rootPageVersion, settled });
    return { root, version, written };
  }

  /** Sends a request to the writer thread (started on first use) and resolves with its answer. */
  private write(request: WriteRequest | { type: "flush"; id: number }): Promise<WriterReply> {
    if (this.writer === undefined) {
      const writer = new Worker(new URL("./commitWriter.ts", import.meta.url), {
        workerData: { path: this.path },
      });
      writer.on("message", (reply: WriterReply) => {
        const answer = this.replies.get(reply.id);
        this.replies.delete(reply.id);
        // Idle, the writer does not keep the process alive (an idle tree never does).
        if (this.replies.size === 0) writer.unref();
        answer?.(reply);
      });
      writer.on("error", (cause) => {
        // Whatever the writer had not answered is unknown: read the tree back from what it stored.
        this.writer = undefined;
        const waiting = [...this.replies.values()];
        this.replies.clear();
        this.undoPending();
        for (const answer of waiting) answer({ id: -1, ok: false, message: String(cause), undone: true });
      });
      this.writer = writer;
    }
    const id = this.nextRequest++;
    request.id = id;
    const transfer = request.type === "write" ? [request.records.buffer as ArrayBuffer] : [];
    return new Promise((resolve) => {
      this.replies.set(id, resolve);
      this.writer!.ref();
      this.writer!.postMessage(request, transfer);
    });
  }

  /** Validates and applies `writes` to the live pages (in place), computing the new root; stores nothing. */
  private stage(writes: Iterable<readonly [Uint8Array, Uint8Array]>): StagedCommit {
    if (this.broken !== undefined)
      throw new StorageError(
        "the state tree failed during a commit; close and reopen it",
        {},
        { cause: this.broken },
      );
    const list: Write[] = [];
    for (const [key, value] of writes) {
      assertWord("key", key);
      assertWord("value", value);
      list.push({ key, value });
    }
    const sorted = sortAndDedupe(list);
    const version = this.latest + 1;
    const prev = this.rootRecordAt(this.latest);
    const newPages: Page[][] = [];
    for (let level = 0; level < 32; level++) newPages.push([]);
    const ctx: CommitContext = { version, newPages, stale: this.staleList.reset() };
    let root = prev.root;
    let rootPageVersion = prev.pageVersion;
    try {
      // From here the live pages change in place; if anything fails they are dropped and reread.
      const rootPage = this.loadPage(0, EMPTY_PREFIX, prev.pageVersion, true);
      const update = this.updatePage(ctx, 0, EMPTY_PREFIX, rootPage, sorted, 0, sorted.length);
      if (update !== UNCHANGED) {
        root = rootPage.rootHash().slice();
        rootPageVersion = version;
      }
    } catch (cause) {
      // The live pages hold pending commits not yet in the database: without them, nothing can be rebuilt.
      if (this.pending.length > 0) this.broken = cause instanceof Error ? cause : new Error(String(cause));
      this.live.clear();
      throw cause;
    }
    const oldest = Math.max(this.oldest, version - this.keepRoots + 1);
    return { version, root, rootPageVersion, oldest, newPages, stale: ctx.stale.bytes() };
  }

  /** The tree's state moves to a staged commit (stored, or being stored). */
  private advance(c: StagedCommit): void {
    this.latest = c.version;
    this.oldest = c.oldest;
    this.latestRoot = c.root;
  }

  /** After a failed background write: forget every pending commit and read the tree back from the database. */
  private undoPending(): void {
    this.generation++;
    this.pending = [];
    this.live.clear();
    this.old.clear();
    this.dbs.env.resetReadTxn(); // what the writer stored before it failed
    const meta = this.dbs.roots.getBinary(META_KEY);
    this.latest = meta === undefined ? 0 : readU64(meta, 0);
    this.oldest = meta === undefined ? 0 : readU64(meta, 8);
    this.latestRoot = this.rootRecordAt(this.latest).root;
  }

  /** A buffer of at least `size` bytes for page records, reused once a commit is written. */
  private takeArena(size: number): Uint8Array {
    const i = this.arenas.findIndex((a) => a.length >= size);
    if (i >= 0) return this.arenas.splice(i, 1)[0];
    return new Uint8Array(size + (size >> 2));
  }

  /**
   * Resolves once every commit so far is flushed to disk. A commit that has
   * returned survives a crash of this process at once; it survives a crash of
   * the machine once this resolves (LMDB flushes behind the next commit).
   */
  async flushed(): Promise<void> {
    await this.settled();
    await this.dbs.env.flushed;
    if (this.writer !== undefined) await this.write({ type: "flush", id: 0 });
  }

  /** Resolves once no commitAsync commit is still being written (written or failed). */
  private async settled(): Promise<void> {
    while (this.pending.length > 0) await this.pending.at(-1)!.settled;
  }

  /** Waits for pending commits, flushes and closes the database. */
  async close(): Promise<void> {
    await this.settled();
    if (this.writer !== undefined) {
      await this.write({ type: "flush", id: 0 });
      await this.writer.terminate();
      this.writer = undefined;
    }
    this.live.clear();
    this.old.clear();
    await this.dbs.env.close();
  }

  /**
   * Applies writes[lo, hi) to `page` in place and says what the parent's slot
   * for this page becomes. The page's prefix is the first `level` bytes of
   * `path` (of every key in writes[lo, hi)): no prefix array is built per page.
   */
  private updatePage(
    ctx: CommitContext,
    level: number,
    path: Uint8Array,
    page: Page,
    writes: Write[],
    lo: number,
    hi: number,
  ): SlotUpdate {
    const changes: SlotChange[] = [];
    // Slots come in ascending order. Entry e + d has a slot of at least
    // slot(e) + d, so the entry for the next slot lies within (next - last)
    // entries of the last one's place: in a dense page, one step away.
    let at = 0;
    let atSlot = 0;
    let i = lo;
    while (i < hi) {
      const slot = writes[i].key[level];
      let j = i + 1;
      while (j < hi && writes[j].key[level] === slot) j++;
      at = page.lowerBound(slot, at, Math.min(page.count, at + slot - atSlot));
      atSlot = slot;
      const existing = at < page.count && page.slot(at) === slot ? at : -1;
      let update: SlotUpdate;
      if (existing >= 0 && page.kind(existing) === CHILD) {
        const child = this.loadPage(level + 1, writes[i].key, page.version(existing), true);
        update = this.updatePage(ctx, level + 1, writes[i].key, child, writes, i, j);
      } else {
        const one = j === i + 1 ? oneWrite(page, existing, writes[i]) : SPLIT;
        update = one !== SPLIT ? one : this.updateLeafSlot(ctx, level, page, existing, writes, i, j);
      }
      if (update !== UNCHANGED) changes.push({ slot, entry: update });
      i = j;
    }
    if (changes.length === 0) return UNCHANGED;
    // A stored page is already in the live cache; only a new one (empty until now) joins it.
    const isNew = page.count === 0 && level > 0;
    if (!isNew) ctx.stale.add(level, path, page.writtenAt);
    page.apply(changes, ctx.version);
    // Below the root, a page must hold two or more leaves; otherwise its content moves up.
    if (level > 0 && (page.count === 0 || (page.count === 1 && page.kind(0) === LEAF))) {
      if (!isNew) this.live.delete(liveKey(level, path));
      if (page.count === 0) return undefined;
      return { kind: LEAF, a: page.a(0), b: page.b(0), version: 0 };
    }
    if (isNew) {
      page.level = level;
      page.prefix = path.slice(0, level);
      this.live.set(liveKey(level, path), page);
    }
    ctx.newPages[level].push(page);
    return { kind: CHILD, a: page.rootHash(), b: ZERO, version: ctx.version };
  }

  /** Writes into a slot that is empty or holds one leaf. */
  private updateLeafSlot(
    ctx: CommitContext,
    level: number,
    page: Page,
    at: number,
    writes: Write[],
    lo: number,
    hi: number,
  ): SlotUpdate {
    const existing = at >= 0 ? { key: page.a(at), value: page.b(at) } : undefined;
    const leaves: Write[] = [];
    let keepExisting = existing !== undefined;
    for (let i = lo; i < hi; i++) {
      const w = writes[i];
      if (existing && equalBytes(w.key, existing.key)) {
        keepExisting = false;
        if (equalBytes(w.value, existing.value) && hi - lo === 1) return UNCHANGED;
      }
      if (!isZero(w.value)) leaves.push(w);
    }
    if (keepExisting && existing) leaves.push(existing);
    if (leaves.length === 0) return existing ? undefined : UNCHANGED;
    if (leaves.length === 1) return { kind: LEAF, a: leaves[0].key, b: leaves[0].value, version: 0 };
    leaves.sort(compareKeys);
    const child = Page.empty(ctx.version);
    return this.updatePage(ctx, level + 1, leaves[0].key, child, leaves, 0, leaves.length);
  }

  /** Builds the proof's terminal once the key's path reaches a range with at most one leaf. */
  private terminal(
    key: Uint8Array,
    siblings: Uint8Array[],
    leaf: number,
    page: Page,
    b: number,
    idx: number,
    level: number,
    live: boolean,
  ): StateProof {
    const depth = siblings.length;
    const proof: StateProof = { depth, siblings };
    if (leaf < 0) return proof;
    proof.leaf = { key: page.a(leaf).slice(), value: page.b(leaf).slice() };
    if (depth === 0 || !equalBytes(proof.leaf.key, key)) return proof;
    // Pages below the root hold two or more leaves, so a terminal below depth 0
    // has b >= 1 and its sibling is the other half in the same page.
    proof.opening = this.openRange(page, level, key, b, idx ^ 1, live);
    return proof;
  }

  /** The opening of the binary node (b, idx) of a page: its leaf, or its two children. */
  private openRange(
    page: Page,
    level: number,
    key: Uint8Array,
    b: number,
    idx: number,
    live: boolean,
  ): StateProof["opening"] {
    const [lo, hi] = page.range(b, idx);
    if (hi - lo === 1 && page.kind(lo) === LEAF)
      return { isLeaf: true, a: page.a(lo).slice(), b: page.b(lo).slice() };
    if (b < 8) {
      return {
        isLeaf: false,
        a: page.hash(b + 1, idx << 1).slice(),
        b: page.hash(b + 1, (idx << 1) | 1).slice(),
      };
    }
    const child = this.loadPage(level + 1, withByte(key.subarray(0, level), idx), page.version(lo), live);
    return { isLeaf: false, a: child.hash(1, 0).slice(), b: child.hash(1, 1).slice() };
  }

  private versionOf(root: Uint8Array | undefined): number {
    if (root === undefined) return this.latest;
    assertWord("root", root);
    if (equalBytes(root, this.latestRoot)) return this.latest;
    const v = this.dbs.byRoot.getBinary(root);
    const version = v === undefined ? -1 : readU64(v, 0);
    if (version >= this.oldest) return version;
    if (this.pending.some((p) => equalBytes(p.root, root)))
      throw new UnknownRootError(
        bytesToHex(root),
        "still being written (await its commit's written promise)",
      );
    throw new UnknownRootError(bytesToHex(root), v === undefined ? "never committed, or pruned" : "pruned");
  }

  private rootRecordAt(version: number): { root: Uint8Array; pageVersion: number } {
    const p = this.pending.find((x) => x.version === version);
    if (p !== undefined) return { root: p.root, pageVersion: p.rootPageVersion };
    const rec = this.dbs.roots.getBinary(u64(version));
    if (rec === undefined || rec.length !== 40)
      throw new StorageError(`state root of version ${version} is missing`);
    return { root: new Uint8Array(rec.subarray(0, 32)), pageVersion: readU64(rec, 32) };
  }

  /**
   * The page at (level, prefix, version), its prefix the first `level` bytes of
   * `path`. `live` says the walk is in the newest
   * tree, whose pages are cached by prefix; other versions come from the
   * database through the cache of older pages.
   */
  private loadPage(level: number, path: Uint8Array, version: number, live: boolean): Page {
    const lk = liveKey(level, path);
    const cached = this.live.get(lk);
    if (cached !== undefined && cached.writtenAt === version) return cached;
    const key = pageKey(level, path, version);
    const ok = live ? "" : cacheKey(key);
    const older = live ? undefined : this.old.get(ok);
    if (older !== undefined) return older;
    const bytes = this.dbs.pages.getBinary(key);
    if (bytes === undefined) {
      throw new StorageError(
        `state page missing: level ${level}, prefix ${bytesToHex(path.subarray(0, level))}, version ${version}`,
      );
    }
    const page = new Page(bytes, version);
    page.level = level;
    page.prefix = path.slice(0, level);
    if (live) this.live.set(lk, page);
    else {
      if (this.old.size >= OLD_PAGES) this.old.delete(this.old.keys().next().value!);
      this.old.set(ok, page);
    }
    return page;
  }

  /** Keeps the live cache within its bound, dropping the pages cached longest ago. */
  private trimLive(): void {
    let excess = this.live.size - this.cachePages;
    if (excess <= 0) return;
    excess += this.cachePages >> 3;
    for (const k of this.live.keys()) {
      if (k === ROOT_LIVE_KEY) continue; // keep the root page
      this.live.delete(k);
      if (--excess <= 0) break;
    }
  }
}

/**
 * updateLeafSlot for the common case, one write into a slot that is empty
 * (entry `at` = -1) or holds one leaf; SPLIT when that leaf has another key
 * and the write is not a delete (the slot then holds a child page). Compares in place:
 * a commit takes this path for nearly every write, and allocates nothing here.
 */
function oneWrite(page: Page, at: number, w: Write): SlotUpdate | typeof SPLIT {
  const zero = isZero(w.value);
  if (at < 0) return zero ? UNCHANGED : { kind: LEAF, a: w.key, b: w.value, version: 0 };
  if (zero) return page.leafKeyIs(at, w.key) ? undefined : UNCHANGED;
  if (!page.leafKeyIs(at, w.key)) return SPLIT;
  return page.leafValueIs(at, w.value) ? UNCHANGED : { kind: LEAF, a: w.key, b: w.value, version: 0 };
}

interface CommitContext {
  version: number;
  /** Pages written by this commit by level, each level in prefix order (they know their level and prefix). */
  newPages: Page[][];
  /** Keys of the pages this commit replaced. */
  stale: KeyList;
}

/**
 * The page keys one commit replaced, as one record: each as u8 length || key.
 * Written straight into one reused buffer: a commit replaces ~10k pages, and
 * an array per key would live through the commit and be promoted to the old
 * generation, only to die there.
 */
class KeyList {
  private buf = new Uint8Array(1 << 16);
  length = 0;
  private at = 0;

  reset(): KeyList {
    this.length = 0;
    this.at = 0;
    return this;
  }

  add(level: number, prefix: Uint8Array, version: number): void {
    const need = this.at + 10 + level;
    if (need > this.buf.length) {
      const grown = new Uint8Array(Math.max(need, this.buf.length * 2));
      grown.set(this.buf.subarray(0, this.at));
      this.buf = grown;
    }
    const b = this.buf;
    b[this.at] = 9 + level;
    writeU64(b, this.at + 1, version);
    b[this.at + 9] = level;
    for (let i = 0; i < level; i++) b[this.at + 10 + i] = prefix[i];
    this.at = need;
    this.length++;
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.at);
  }
}

/** Pages of older roots kept in memory (proofs at old roots in disputes read a few paths each). */
const OLD_PAGES = 4096;

const EMPTY_PREFIX: Uint8Array = new Uint8Array(0);
/**
 * The live cache's key: level and prefix. Down to level 6 (nearly every page)
 * a number, 256^level + prefix, which needs no allocation and hashes at once;
 * below, a string of the level and the prefix.
 */
function liveKey(level: number, prefix: Uint8Array): number | string {
  if (level <= 6) {
    let k = 1;
    for (let i = 0; i < level; i++) k = k * 256 + prefix[i];
    return k;
  }
  let s = String.fromCharCode(level);
  for (let i = 0; i < level; i++) s += String.fromCharCode(prefix[i]);
  return s;
}

/** The live key of the root page. */
const ROOT_LIVE_KEY = 1;

function cacheKey(key: Uint8Array): string {
  return String.fromCharCode.apply(null, key as unknown as number[]);
}

function withByte(prefix: Uint8Array, byte: number): Uint8Array {
  const out = new Uint8Array(prefix.length + 1);
  out.set(prefix);
  out[prefix.length] = byte;
  return out;
}

function compareKeys(a: Write, b: Write): number {
  const x = a.key;
  const y = b.key;
  for (let i = 0; i < 32; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/**
 * Sorts by key; for repeated keys keeps the last write. A counting sort on the
 * first two key bytes does most of the work (tree keys are hashes, so the
 * buckets hold one or two writes), then each bucket is sorted in full; both
 * steps are stable, so among equal keys the last written ends last.
 */
function sortAndDedupe(list: Write[]): Write[] {
  const starts = new Uint32Array(65537);
  // Each write's bucket, read from its key once: the keys lie all over the heap.
  const bucketOf = new Uint16Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const key = list[i].key;
    const b = (key[0] << 8) | key[1];
    bucketOf[i] = b;
    starts[b + 1]++;
  }
  for (let i = 1; i <= 65536; i++) starts[i] += starts[i - 1];
  const sorted: Write[] = new Array(list.length);
  const fill = starts.slice(0, 65536);
  for (let i = 0; i < list.length; i++) sorted[fill[bucketOf[i]]++] = list[i];
  const out: Write[] = [];
  for (let bucket = 0; bucket < 65536; bucket++) {
    const lo = starts[bucket];
    const hi = starts[bucket + 1];
    if (hi - lo > 1) {
      // Insertion sort: stable, and buckets are tiny.
      for (let i = lo + 1; i < hi; i++) {
        const w = sorted[i];
        let j = i - 1;
        while (j >= lo && compareKeys(sorted[j], w) > 0) {
          sorted[j + 1] = sorted[j];
          j--;
        }
        sorted[j + 1] = w;
      }
    }
    for (let i = lo; i < hi; i++) {
      if (i + 1 < hi && compareKeys(sorted[i], sorted[i + 1]) === 0) continue;
      out.push(sorted[i]);
    }
  }
  return out;
}
