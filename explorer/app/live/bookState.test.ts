import { describe, expect, it } from "vitest";
import { BookState, type LevelDelta } from "./bookState.ts";
import { createFrameBatcher } from "./frameBatcher.ts";

describe("BookState", () => {
  it("random deltas on a snapshot give the same book as a plain reference, best first", () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const book = new BookState();
    book.snapshot({ bids: [{ price: "100", quantity: "5", orders: 1 }], asks: [] });
    const ref = [new Map<string, string>([["100", "5"]]), new Map<string, string>()];
    for (let i = 0; i < 5_000; i++) {
      const side = rnd(2) as 0 | 1;
      const price = String(side === 0 ? 50 + rnd(60) : 105 + rnd(60));
      const quantity = rnd(4) === 0 ? "0" : String(1 + rnd(1000));
      const d: LevelDelta = { side, price, quantity, orders: 1 };
      book.apply(d);
      if (quantity === "0") ref[side].delete(price);
      else ref[side].set(price, quantity);
    }
    const sorted = (side: 0 | 1) =>
      [...ref[side].entries()]
        .sort(([a], [b]) => (side === 0 ? Number(b) - Number(a) : Number(a) - Number(b)))
        .slice(0, 20)
        .map(([price, quantity]) => ({ price, quantity }));
    for (const side of [0, 1] as const)
      expect(book.levels(side, 20).map(({ price, quantity }) => ({ price, quantity }))).toEqual(sorted(side));
    expect(book.deltas).toBe(5_000);
  });

  it('sorts prices as integers, not strings ("9" < "10")', () => {
    const book = new BookState();
    book.snapshot({ bids: [], asks: [] });
    for (const p of ["9", "10", "100"]) book.apply({ side: 1, price: p, quantity: "1", orders: 1 });
    expect(book.levels(1, 3).map((l) => l.price)).toEqual(["9", "10", "100"]);
  });
});

describe("createFrameBatcher", () => {
  it("any number of marks before a frame make one flush", () => {
    const frames: (() => void)[] = [];
    let flushed = 0;
    const b = createFrameBatcher(
      () => flushed++,
      (f) => frames.push(f),
      () => {},
    );
    for (let i = 0; i < 100; i++) b.mark();
    expect(frames.length).toBe(1);
    frames.shift()?.();
    expect(flushed).toBe(1);
    b.mark();
    expect(frames.length).toBe(1);
    b.cancel();
    expect(b.flushes).toBe(1);
  });
});
