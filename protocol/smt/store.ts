// The state tree's database records (docs/protocol.md, "Storage"): shared by StateTree and the
// writer thread that stores commitAsync's commits (commitWriter.ts), so both write the same bytes.
import { type Database, open, type RootDatabase } from "lmdb";
import { readU64, writeU64 } from "../bytes.ts";
import { StorageError } from "../errors.ts";
import { equalBytes } from "./hash.ts";

export interface TreeDatabases {
  readonly env: RootDatabase;
  /** version || level || prefix -> page record. */
  readonly pages: Database<Uint8Array, Uint8Array>;
  /** version -> root || page version of its root page; META_KEY -> latest || oldest kept. */
  readonly roots: Database<Uint8Array, Uint8Array>;
  /** root -> the newest version with that root. */
  readonly byRoot: Database<Uint8Array, Uint8Array>;
  /** version -> the page keys that commit replaced (a KeyList record). */
  readonly stale: Database<Uint8Array, Uint8Array>;
}

/** Opens (or creates) the environment at `path` and its four databases. */
export function openTreeDatabases(path: string): TreeDatabases {
  let env: RootDatabase;
  try {
    env = open({ path, maxDbs: 8, compression: false });
  } catch (cause) {
    throw new StorageError(`cannot open the state database at ${path}`, { path }, { cause });
  }
  const binary = { encoding: "binary", keyEncoding: "binary", compression: false } as const;
  return {
    env,
    pages: env.openDB({ name: "pages", ...binary }),
    roots: env.openDB({ name: "roots", ...binary }),
    byRoot: env.openDB({ name: "byRoot", ...binary }),
    stale: env.openDB({ name: "stale", ...binary }),
  };
}

/** What a commit stores besides its pages. */
export interface CommitMeta {
  version: number;
  root: Uint8Array;
  rootPageVersion: number;
  /** The oldest version kept once this commit is stored. */
  oldest: number;
  /** The page keys this commit replaced, as a KeyList record (empty: none). */
  stale: Uint8Array;
}

export const META_KEY = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x6d]);

/**
 * Puts one of a commit's pages inside the current write transaction. Page keys
 * ascend by (version, level, prefix) and a commit's pages come in that order,
 * so every put appends (MDB_APPEND): LMDB skips the search and fills its B-tree
 * pages instead of splitting them in half. An append out of order fails (lmdb-js
 * reports a false result, not an error); that throws, aborting the commit.
 */
export function appendPage(dbs: TreeDatabases, key: Uint8Array, record: Uint8Array, version: number): void {
  if ((dbs.pages.putSync(key, record, APPEND) as unknown as boolean) !== true)
    throw new StorageError("state commit: a page key did not sort last", { version });
}

/** Stores the rest of a commit (after its pages) inside the current write transaction, pruning what it no longer keeps. */
export function storeCommitMeta(dbs: TreeDatabases, c: CommitMeta): void {
  const { version } = c;
  if (c.stale.length > 0) dbs.stale.putSync(u64(version), c.stale);
  dbs.roots.putSync(u64(version), concat(c.root, u64(c.rootPageVersion)));
  dbs.byRoot.putSync(c.root, u64(version));
  const meta = dbs.roots.getBinary(META_KEY);
  const stored = meta === undefined ? 0 : readU64(meta, 8);
  if (c.oldest > stored) prune(dbs, stored, c);
  dbs.roots.putSync(META_KEY, concat(u64(version), u64(c.oldest)));
}

/**
 * Deletes what only versions older than `c.oldest` use (those from `from` on
 * are still stored). `c`'s own stale record was put in this transaction
 * (keepRoots 1 prunes it at once).
 */
function prune(dbs: TreeDatabases, from: number, c: CommitMeta): void {
  for (let v = from; v < c.oldest; v++) {
    const rec = dbs.roots.getBinary(u64(v));
    if (rec === undefined) continue;
    const root = rec.subarray(0, 32);
    const owner = dbs.byRoot.getBinary(root);
    if (owner !== undefined && readU64(owner, 0) === v && !equalBytes(root, c.root))
      dbs.byRoot.removeSync(root);
    dbs.roots.removeSync(u64(v));
  }
  const staleKeys: Uint8Array[] = [];
  for (const { key, value } of dbs.stale.getRange({ start: u64(0), end: u64(c.oldest + 1) })) {
    for (const page of decodeKeyList(value)) dbs.pages.removeSync(page.slice());
    staleKeys.push(key.slice());
  }
  for (const key of staleKeys) dbs.stale.removeSync(key);
}

/**
 * version (8) || level (1) || prefix (level bytes; the first `level` bytes of
 * `path`). Version first: a commit's pages all sort after every older page, so
 * LMDB appends them at the end of its B-tree instead of dirtying a random leaf
 * page per write.
 */
export function pageKey(level: number, path: Uint8Array, version: number): Uint8Array {
  const out = new Uint8Array(9 + level);
  writeU64(out, 0, version);
  out[8] = level;
  for (let i = 0; i < level; i++) out[9 + i] = path[i];
  return out;
}

export function u64(n: number): Uint8Array {
  const out = new Uint8Array(8);
  writeU64(out, 0, n);
  return out;
}

export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The keys of a KeyList record: each as u8 length || key. */
export function decodeKeyList(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += 1 + bytes[at])
    out.push(bytes.subarray(at + 1, at + 1 + bytes[at]));
  return out;
}

/** lmdb-js put options: MDB_APPEND (the key sorts after every key in the database). */
const APPEND = { append: true } as const;
