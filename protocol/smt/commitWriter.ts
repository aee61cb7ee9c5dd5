// The writer thread of a StateTree (StateTree.commitAsync): stores each commit it is sent in
// one LMDB transaction, in the order sent, while the tree's own thread computes the next root.
// After a commit fails, every later one of the same generation is refused unwritten: they were
// computed on top of it. See docs/protocol.md, "Storage".
import { parentPort, workerData } from "node:worker_threads";
import { appendPage, type CommitMeta, openTreeDatabases, storeCommitMeta } from "./store.ts";

/** A commit to store: its pages (keys each as u8 length || key, records back to back) and the rest. */
export interface WriteRequest {
  type: "write";
  id: number;
  generation: number;
  meta: CommitMeta;
  keys: Uint8Array;
  records: Uint8Array;
  sizes: Uint32Array;
}

/** Resolves once every commit stored so far is flushed to disk. */
export interface FlushRequest {
  type: "flush";
  id: number;
}

export type WriterReply =
  | { id: number; ok: true; records?: Uint8Array }
  | { id: number; ok: false; message: string; undone: boolean };

const port = parentPort!;
const dbs = openTreeDatabases((workerData as { path: string }).path);
let failedGeneration = -1;

port.on("message", (m: WriteRequest | FlushRequest) => {
  if (m.type === "flush") {
    void Promise.resolve(dbs.env.flushed).then(() => port.postMessage({ id: m.id, ok: true }));
    return;
  }
  if (m.generation <= failedGeneration) {
    const reply: WriterReply = {
      id: m.id,
      ok: false,
      message: "an earlier commit failed to write",
      undone: true,
    };
    port.postMessage(reply);
    return;
  }
  try {
    dbs.env.transactionSync(() => {
      let k = 0;
      let at = 0;
      for (const size of m.sizes) {
        const len = m.keys[k];
        appendPage(
          dbs,
          m.keys.subarray(k + 1, k + 1 + len),
          m.records.subarray(at, at + size),
          m.meta.version,
        );
        k += 1 + len;
        at += size;
      }
      storeCommitMeta(dbs, m.meta);
    });
  } catch (cause) {
    failedGeneration = m.generation;
    const message = cause instanceof Error ? cause.message : String(cause);
    const reply: WriterReply = { id: m.id, ok: false, message, undone: false };
    port.postMessage(reply);
    return;
  }
  const reply: WriterReply = { id: m.id, ok: true, records: m.records };
  port.postMessage(reply, [m.records.buffer as ArrayBuffer]);
});
