import { keccak256 } from "../../keccak.ts";
import { ZERO } from "../hash.ts";

function word(tag: number, i: number, j: number): Uint8Array {
  const pre = new Uint8Array(9);
  const view = new DataView(pre.buffer);
  pre[0] = tag;
  view.setUint32(1, i);
  view.setUint32(5, j);
  return keccak256(pre);
}

/**
 * Batch `i` of a reproducible write stream: 200 fresh keys, and deletes of
 * some keys of batch i-1, so that a test can rebuild the state of any version.
 */
export function deterministicBatch(i: number): [Uint8Array, Uint8Array][] {
  const out: [Uint8Array, Uint8Array][] = [];
  for (let j = 0; j < 200; j++) out.push([word(1, i, j), word(2, i, j)]);
  if (i > 0) for (let j = 0; j < 200; j += 7) out.push([word(1, i - 1, j), ZERO]);
  return out;
}
