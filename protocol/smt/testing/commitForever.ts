// Test helper: commits deterministic batches to the tree at argv[2] until killed,
// printing each acknowledged commit as a JSON line. See StateTree.test.ts.
import { bytesToHex } from "viem";
import { StateTree } from "../StateTree.ts";
import { deterministicBatch } from "./deterministicBatch.ts";

const tree = StateTree.open({ path: process.argv[2], keepRoots: 1000 });
for (let i = tree.version; ; i++) {
  const { version, root } = tree.commit(deterministicBatch(i));
  process.stdout.write(`${JSON.stringify({ version, root: bytesToHex(root) })}\n`);
  await new Promise((r) => setImmediate(r));
}
