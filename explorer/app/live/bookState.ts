/**
 * A market's book as the `book` channel gives it (docs/api.md, "Subscriptions"): a snapshot of levels,
 * then deltas with a level's new total (quantity "0": gone). Kept as a map per side so a delta costs one
 * map write; sorted only when rendered (once per frame).
 */
import type { BookLevelView, BookView } from "../../../sequencer/api/NodeApi.ts";

export interface LevelDelta {
  readonly side: 0 | 1;
  readonly price: string;
  readonly quantity: string;
  readonly orders: number;
}

export class BookState {
  private readonly sides: [Map<string, BookLevelView>, Map<string, BookLevelView>] = [new Map(), new Map()];
  /** Deltas applied since creation (the responsiveness test compares it with renders). */
  deltas = 0;

  snapshot(view: Pick<BookView, "bids" | "asks">): void {
    this.sides[0].clear();
    this.sides[1].clear();
    for (const l of view.bids) this.sides[0].set(l.price, l);
    for (const l of view.asks) this.sides[1].set(l.price, l);
  }

  apply(d: LevelDelta): void {
    this.deltas++;
    const side = this.sides[d.side];
    if (BigInt(d.quantity) === 0n) side.delete(d.price);
    else side.set(d.price, { price: d.price, quantity: d.quantity, orders: d.orders });
  }

  /** Best first: bids by price descending, asks ascending; at most `depth`. */
  levels(side: 0 | 1, depth: number): BookLevelView[] {
    const all = [...this.sides[side].values()];
    all.sort((a, b) => {
      const x = BigInt(a.price);
      const y = BigInt(b.price);
      return x === y ? 0 : x < y === (side === 1) ? -1 : 1;
    });
    return all.slice(0, depth);
  }
}
