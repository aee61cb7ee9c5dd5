import { type Database, open, type RootDatabase } from "lmdb";
import { bytesToHex } from "viem";
import { readU64, writeU64 } from "../bytes.ts";
import { OptioError, StorageError, UnknownRootError } from "../errors.ts";
import { assertWord, bitAt, equalBytes, isZero, ZERO } from "./hash.ts";
import { CHILD, LEAF, type NewEntry, Page } from "./page.ts";
import type { StateProof } from "./proof.ts";

export interface StateTreeOptions {
  /** Directory of the LMDB environment; created if missing. */
  path: string;
  /**
   * How many committed roots stay readable (the newest one included). Disputes
   * read and prove keys at the roots of batches still inside the challenge
   * period, so this must cover that many commits. Default 4096.
   */
  keepRoots?: number;
  /** How many decoded pages to keep in memory. Default 200,000 (a few hundred MB at most). */
  cachePages?: number;
}

export interface CommitResult {
  root: Uint8Array;
  version: number;
}

interface Write {
  key: Uint8Array;
  value: Uint8Array;
}

/** What a page update returns to its parent slot: a new entry, nothing (empty), or no change. */
const UNCHANGED = Symbol("unchanged");
type SlotUpdate = NewEntry | undefined | typeof UNCHANGED;

/**
 * The persisted sparse Merkle state tree (docs/protocol.md, "State tree").
 *
 * Storage is versioned: each commit writes the pages it changed under a new
 * version number and never overwrites a page, so every kept root can still be
 * read and proven. A page replaced at version v is listed in a stale index
 * under v; once v is older than every kept root, the page is deleted.
 * A commit is one LMDB transaction: after a crash the tree is exactly at the
 * last commit that returned.
 */
export class StateTree {
  private readonly env: RootDatabase;
  private readonly pages: Database<Uint8Array, Uint8Array>;
  private readonly roots: Database<Uint8Array, Uint8Array>;
  private readonly byRoot: Database<Uint8Array, Uint8Array>;
  private readonly stale: Database<Uint8Array, Uint8Array>;
  private readonly keepRoots: number;
  private readonly cachePages: number;
  private readonly cache = new Map<string, Page>();
  private latest: number;
  private oldest: number;
  private latestRoot: Uint8Array;

  private constructor(options: StateTreeOptions) {
    this.keepRoots = options.keepRoots ?? 4096;
    this.cachePages = options.cachePages ?? 200_000;
    if (!Number.isInteger(this.keepRoots) || this.keepRoots < 1) {
      throw new OptioError(`keepRoots: expected a whole number >= 1, got ${options.keepRoots}`);
    }
    try {
      this.env = open({ path: options.path, maxDbs: 8, compression: false });
    } catch (cause) {
      throw new StorageError(
        `cannot open the state database at ${options.path}`,
        { path: options.path },
        { cause },
      );
    }
    const binary = { encoding: "binary", keyEncoding: "binary", compression: false } as const;
    this.pages = this.env.openDB({ name: "pages", ...binary });
    this.roots = this.env.openDB({ name: "roots", ...binary });
    this.byRoot = this.env.openDB({ name: "byRoot", ...binary });
    this.stale = this.env.openDB({ name: "stale", ...binary });
    const meta = this.roots.getBinary(META_KEY);
    if (meta === undefined) {
      this.env.transactionSync(() => {
        this.pages.put(pageKey(0, new Uint8Array(0), 0), Page.EMPTY.record);
        this.roots.put(u64(0), rootRecord(ZERO, 0));
        this.byRoot.put(ZERO, u64(0));
        this.roots.put(META_KEY, metaRecord(0, 0));
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
    const v = this.byRoot.getBinary(root);
    return v !== undefined && readU64(v, 0) >= this.oldest;
  }

  /** The value of `key` (ZERO if absent) at `root`, by default the latest root. */
  get(key: Uint8Array, root?: Uint8Array): Uint8Array {
    assertWord("key", key);
    let { pageVersion } = this.rootRecordAt(this.versionOf(root));
    let prefix: Uint8Array = EMPTY_PREFIX;
    for (let level = 0; level < 32; level++) {
      const page = this.loadPage(level, prefix, pageVersion);
      const i = page.indexOf(key[level]);
      if (i < 0) return ZERO;
      if (page.kind(i) === LEAF) return equalBytes(page.a(i), key) ? page.b(i).slice() : ZERO;
      prefix = key.subarray(0, level + 1);
      pageVersion = page.version(i);
    }
    throw new StorageError("corrupt state tree: a path runs past 32 levels");
  }

  /** The proof for `key` at `root` (default latest), in the form encodeProof serializes. */
  prove(key: Uint8Array, root?: Uint8Array): StateProof {
    assertWord("key", key);
    let { pageVersion } = this.rootRecordAt(this.versionOf(root));
    const siblings: Uint8Array[] = [];
    let prefix: Uint8Array = EMPTY_PREFIX;
    for (let level = 0; level < 32; level++) {
      const page = this.loadPage(level, prefix, pageVersion);
      const slot = key[level];
      // Descend the page's eight binary levels while the range holds two or more leaves.
      for (let b = 0; b <= 8; b++) {
        const idx = slot >> (8 - b);
        const [lo, hi] = page.range(b, idx);
        if (hi === lo) return this.terminal(key, siblings, -1, page, b, idx, level);
        if (hi - lo === 1 && page.kind(lo) === LEAF)
          return this.terminal(key, siblings, lo, page, b, idx, level);
        if (b === 8) break;
        const bit = bitAt(key, level * 8 + b);
        siblings.push(page.hash(b + 1, ((idx << 1) | bit) ^ 1).slice());
      }
      const i = page.indexOf(slot);
      prefix = key.subarray(0, level + 1);
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
    const list: Write[] = [];
    for (const [key, value] of writes) {
      assertWord("key", key);
      assertWord("value", value);
      list.push({ key, value });
    }
    const sorted = sortAndDedupe(list);
    const version = this.latest + 1;
    const prev = this.rootRecordAt(this.latest);
    const newPages: [Uint8Array, Page][] = [];
    const stalePages: Uint8Array[] = [];
    const ctx: CommitContext = { version, newPages, stalePages };
    const rootPage = this.loadPage(0, EMPTY_PREFIX, prev.pageVersion);
    const update = this.updatePage(
      ctx,
      0,
      EMPTY_PREFIX,
      rootPage,
      prev.pageVersion,
      sorted,
      0,
      sorted.length,
    );
    const rootPageVersion = update === UNCHANGED ? prev.pageVersion : version;
    const root = update === UNCHANGED ? prev.root : newPages[newPages.length - 1][1].rootHash().slice();
    const oldest = Math.max(this.oldest, version - this.keepRoots + 1);
    try {
      this.env.transactionSync(() => {
        for (const [key, page] of newPages) this.pages.put(key, page.record);
        for (const key of stalePages) this.stale.put(concat(u64(version), key), STALE_MARK);
        this.roots.put(u64(version), rootRecord(root, rootPageVersion));
        this.byRoot.put(root, u64(version));
        if (oldest > this.oldest) this.prune(oldest);
        this.roots.put(META_KEY, metaRecord(version, oldest));
      });
    } catch (cause) {
      throw new StorageError("state commit failed; the tree is unchanged", { version }, { cause });
    }
    // Keep the cache for the live tree: a replaced page serves only reads at older roots.
    for (const key of stalePages) this.cache.delete(cacheKey(key));
    for (const [key, page] of newPages) this.remember(cacheKey(key), page);
    this.latest = version;
    this.oldest = oldest;
    this.latestRoot = root;
    return { root, version };
  }

  /** Flushes and closes the database. */
  async close(): Promise<void> {
    this.cache.clear();
    await this.env.close();
  }

  // Deletes what only versions older than `oldest` use; runs inside the commit's transaction.
  private prune(oldest: number): void {
    for (let v = this.oldest; v < oldest; v++) {
      const rec = this.roots.getBinary(u64(v));
      if (rec === undefined) continue;
      const root = rec.subarray(0, 32);
      const owner = this.byRoot.getBinary(root);
      if (owner !== undefined && readU64(owner, 0) === v) this.byRoot.remove(root);
      this.roots.remove(u64(v));
    }
    for (const { key } of this.stale.getRange({ start: u64(0), end: u64(oldest + 1) })) {
      this.pages.remove(key.subarray(8));
      this.stale.remove(key);
    }
  }

  private updatePage(
    ctx: CommitContext,
    level: number,
    prefix: Uint8Array,
    page: Page,
    pageVersion: number | undefined,
    writes: Write[],
    lo: number,
    hi: number,
  ): SlotUpdate {
    const changes: { slot: number; entry: NewEntry | undefined }[] = [];
    let i = lo;
    while (i < hi) {
      const slot = writes[i].key[level];
      let j = i + 1;
      while (j < hi && writes[j].key[level] === slot) j++;
      const existing = page.indexOf(slot);
      let update: SlotUpdate;
      if (existing >= 0 && page.kind(existing) === CHILD) {
        const childPrefix = withByte(prefix, slot);
        const childVersion = page.version(existing);
        const child = this.loadPage(level + 1, childPrefix, childVersion);
        update = this.updatePage(ctx, level + 1, childPrefix, child, childVersion, writes, i, j);
      } else {
        const leaf = existing >= 0 ? { key: page.a(existing), value: page.b(existing) } : undefined;
        update = this.updateLeafSlot(ctx, level, prefix, slot, leaf, writes, i, j);
      }
      if (update !== UNCHANGED) changes.push({ slot, entry: update });
      i = j;
    }
    if (changes.length === 0) return UNCHANGED;
    const next = page.withChanges(changes);
    if (pageVersion !== undefined) ctx.stalePages.push(pageKey(level, prefix, pageVersion));
    // Below the root, a page must hold two or more leaves; otherwise its content moves up.
    if (level > 0 && next.count === 0) return undefined;
    if (level > 0 && next.count === 1 && next.kind(0) === LEAF) {
      return { kind: LEAF, a: next.a(0), b: next.b(0), version: 0 };
    }
    ctx.newPages.push([pageKey(level, prefix, ctx.version), next]);
    return { kind: CHILD, a: next.rootHash(), b: ZERO, version: ctx.version };
  }

  /** Writes into a slot that is empty or holds one leaf. */
  private updateLeafSlot(
    ctx: CommitContext,
    level: number,
    prefix: Uint8Array,
    slot: number,
    existing: Write | undefined,
    writes: Write[],
    lo: number,
    hi: number,
  ): SlotUpdate {
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
    return this.updatePage(
      ctx,
      level + 1,
      withByte(prefix, slot),
      Page.EMPTY,
      undefined,
      leaves,
      0,
      leaves.length,
    );
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
  ): StateProof {
    const depth = siblings.length;
    const proof: StateProof = { depth, siblings };
    if (leaf < 0) return proof;
    proof.leaf = { key: page.a(leaf).slice(), value: page.b(leaf).slice() };
    if (depth === 0 || !equalBytes(proof.leaf.key, key)) return proof;
    // Pages below the root hold two or more leaves, so a terminal below depth 0
    // has b >= 1 and its sibling is the other half in the same page.
    proof.opening = this.openRange(page, level, key, b, idx ^ 1);
    return proof;
  }

  /** The opening of the binary node (b, idx) of a page: its leaf, or its two children. */
  private openRange(
    page: Page,
    level: number,
    key: Uint8Array,
    b: number,
    idx: number,
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
    const child = this.loadPage(level + 1, withByte(key.subarray(0, level), idx), page.version(lo));
    return { isLeaf: false, a: child.hash(1, 0).slice(), b: child.hash(1, 1).slice() };
  }

  private versionOf(root: Uint8Array | undefined): number {
    if (root === undefined) return this.latest;
    assertWord("root", root);
    const v = this.byRoot.getBinary(root);
    if (v === undefined) throw new UnknownRootError(bytesToHex(root), "never committed, or pruned");
    const version = readU64(v, 0);
    if (version < this.oldest) throw new UnknownRootError(bytesToHex(root), "pruned");
    return version;
  }

  private rootRecordAt(version: number): { root: Uint8Array; pageVersion: number } {
    const rec = this.roots.getBinary(u64(version));
    if (rec === undefined || rec.length !== 40)
      throw new StorageError(`state root of version ${version} is missing`);
    return { root: new Uint8Array(rec.subarray(0, 32)), pageVersion: readU64(rec, 32) };
  }

  private loadPage(level: number, prefix: Uint8Array, version: number): Page {
    const key = pageKey(level, prefix, version);
    const ck = cacheKey(key);
    const hit = this.cache.get(ck);
    if (hit) return hit;
    const bytes = this.pages.getBinary(key);
    if (bytes === undefined) {
      throw new StorageError(
        `state page missing: level ${level}, prefix ${bytesToHex(prefix)}, version ${version}`,
      );
    }
    const page = new Page(new Uint8Array(bytes));
    this.remember(ck, page);
    return page;
  }

  private remember(key: string, page: Page): void {
    if (this.cache.size >= this.cachePages) {
      // Evict the oldest eighth: cheap, and new versions of hot pages are re-inserted at every commit.
      let n = this.cachePages >> 3 || 1;
      for (const k of this.cache.keys()) {
        this.cache.delete(k);
        if (--n === 0) break;
      }
    }
    this.cache.set(key, page);
  }
}

interface CommitContext {
  version: number;
  newPages: [Uint8Array, Page][];
  stalePages: Uint8Array[];
}

const EMPTY_PREFIX: Uint8Array = new Uint8Array(0);
const META_KEY = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x6d]);
const STALE_MARK = new Uint8Array([1]);

function u64(n: number): Uint8Array {
  const out = new Uint8Array(8);
  writeU64(out, 0, n);
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function rootRecord(root: Uint8Array, pageVersion: number): Uint8Array {
  return concat(root, u64(pageVersion));
}

function metaRecord(latest: number, oldest: number): Uint8Array {
  return concat(u64(latest), u64(oldest));
}

/**
 * version (8) || level (1) || prefix (level bytes). Version first: a commit's
 * pages all sort after every older page, so LMDB appends them at the end of
 * its B-tree instead of dirtying a random leaf page per write.
 */
function pageKey(level: number, prefix: Uint8Array, version: number): Uint8Array {
  const out = new Uint8Array(9 + level);
  writeU64(out, 0, version);
  out[8] = level;
  for (let i = 0; i < level; i++) out[9 + i] = prefix[i];
  return out;
}

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

/** Sorts by key; for repeated keys keeps the last write. */
function sortAndDedupe(list: Write[]): Write[] {
  const indexed = list.map((w, i) => ({ w, i }));
  indexed.sort((a, b) => compareKeys(a.w, b.w) || a.i - b.i);
  const out: Write[] = [];
  for (let k = 0; k < indexed.length; k++) {
    const next = indexed[k + 1];
    if (next && compareKeys(indexed[k].w, next.w) === 0) continue;
    out.push(indexed[k].w);
  }
  return out;
}
