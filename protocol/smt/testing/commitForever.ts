// Test helper: commits deterministic batches to the tree at argv[2] until killed,
// printing each acknowledged commit as a JSON line. With argv[3] = "async" it
// commits with commitAsync, two commits in flight, and acknowledges a commit
// once its `written` resolves. See StateTree.test.ts.
import { bytesToHex } from "viem";
import { type CommitResult, StateTree } from "../StateTree.ts";
import { deterministicBatch } from "./deterministicBatch.ts";

const tree = StateTree.open({ path: process.argv[2], keepRoots: 1000 });
const ack = ({ version, root }: CommitResult) =>
  process.stdout.write(`${JSON.stringify({ version, root: bytesToHex(root) })}\n`);
if (process.argv[3] === "async") {
  let previous: Promise<unknown> = Promise.resolve();
  for (let i = tree.version; ; i++) {
    const { written } = tree.commitAsync(deterministicBatch(i));
    await previous;
    previous = written.then(ack);
  }
} else {
  for (let i = tree.version; ; i++) {
    ack(tree.commit(deterministicBatch(i)));
    await new Promise((r) => setImmediate(r));
  }
}
