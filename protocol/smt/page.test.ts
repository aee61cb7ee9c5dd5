import { randomBytes } from "node:crypto";
import { describe, expect, test } from "vitest";
import { writeU64 } from "../bytes.ts";
import { CHILD, LEAF, type NewEntry, Page, type SlotChange } from "./page.ts";

const word = () => new Uint8Array(randomBytes(32));
const int = (n: number) => Math.floor(Math.random() * n);

/** The record a page with these entries must hold (docs/protocol.md's page layout, by slot). */
function recordOf(model: Map<number, NewEntry>): Uint8Array {
  const slots = [...model.keys()].sort((x, y) => x - y);
  const out: number[] = [slots.length >> 8, slots.length & 0xff];
  for (const slot of slots) {
    const e = model.get(slot)!;
    out.push(slot, e.kind, ...e.a);
    if (e.kind === LEAF) out.push(...e.b);
    else {
      const v = new Uint8Array(8);
      writeU64(v, 0, e.version);
      out.push(...v);
    }
  }
  return new Uint8Array(out);
}

/** A random batch of changes: inserts, updates (same kind or not), removals, rewrites of an entry with its own bytes. */
function randomChanges(page: Page, model: Map<number, NewEntry>, n: number): SlotChange[] {
  const slots = new Set<number>();
  const present = [...model.keys()];
  for (let i = 0; i < n; i++)
    slots.add(present.length > 0 && Math.random() < 0.5 ? present[int(present.length)] : int(256));
  return [...slots]
    .sort((x, y) => x - y)
    .map((slot): SlotChange => {
      const r = Math.random();
      const at = page.indexOf(slot);
      if (r < 0.15) return { slot, entry: undefined };
      if (r < 0.25 && at >= 0 && page.kind(at) === LEAF) {
        // updateLeafSlot can hand a page its own leaf back: views into the page's bytes.
        return { slot, entry: { kind: LEAF, a: page.a(at), b: page.b(at), version: 0 } };
      }
      if (r < 0.6) return { slot, entry: { kind: LEAF, a: word(), b: word(), version: 0 } };
      return { slot, entry: { kind: CHILD, a: word(), b: new Uint8Array(32), version: int(2 ** 40) } };
    });
}

describe("Page.apply", () => {
  test("gives the record and hashes of a page rebuilt from scratch, over random growing and shrinking batches", () => {
    for (let trial = 0; trial < 40; trial++) {
      const page = Page.empty(0);
      const model = new Map<number, NewEntry>();
      for (let round = 1; round <= 30; round++) {
        // Mostly small batches (the in-place path), now and then a big one (growth, dense memo).
        const changes = randomChanges(page, model, Math.random() < 0.2 ? 1 + int(120) : 1 + int(6));
        // What the model expects, copied before apply() overwrites any aliased bytes.
        for (const c of changes) {
          if (c.entry) model.set(c.slot, { ...c.entry, a: c.entry.a.slice(), b: c.entry.b.slice() });
          else model.delete(c.slot);
        }
        page.rootHash(); // memoize, so apply() must invalidate exactly the changed paths
        page.apply(changes, round);
        expect(page.writtenAt).toBe(round);
        expect(page.count).toBe(model.size);
        expect(page.record()).toEqual(recordOf(model));
        const fresh = new Page(recordOf(model), round);
        expect(page.rootHash()).toEqual(fresh.rootHash());
        for (let k = 0; k < 8; k++) {
          const b = 1 + int(8);
          const idx = int(1 << b);
          expect(page.hash(b, idx)).toEqual(fresh.hash(b, idx));
        }
      }
    }
  });
});
