// Real engine transactions for dispute tests and the verifier bench: an exchange set up off-chain (its state is
// the rollup's genesis state), then orders signed for real (secp256k1, recovered by the machine's ecrecover as
// L1's precompile would: the provable path has no recovery table). `sweep` is the longest transaction the test
// exchange builds: a taker order that walks the fill bound (32 makers) over levels far apart in the tick bitmap.
import { type Hex, hexToBytes } from "viem";
import { Side, signTx, TimeInForce } from "../../protocol/engine/index.ts";
import { ProvableState } from "../../vm/index.ts";
import { ENGINE_WASM, EngineHarness, TestExchange, testAccount } from "../engineHarness.ts";

const ONE = 100_000_000n; // 1 base unit (qtyE8)
const P100 = 100_000_000n; // 100 quote (6 decimals)
const TICK = 10_000n;
// Levels far apart in the tick bitmap (about a bitmap word each) yet inside the market's price band (up to 2x the
// index: the top level is 100 + 41 x 2.4 = 198.4).
const FAR = 240n * TICK;

export interface EngineBatch {
  readonly engine: Uint8Array;
  /** The state before the batch, as leaves (the rollup's genesis state). */
  readonly pre: readonly { key: Uint8Array; value: Uint8Array }[];
  readonly preRoot: Uint8Array;
  /** A partial tree holding the whole pre-state (no proof source needed). */
  preState(): ProvableState;
  /** The batch's sequencer transactions, signed for real. */
  readonly txs: readonly Uint8Array[];
}

/**
 * `orders` pairs of small signed orders (a maker's ask and a taker's bid that fills it), then, with `sweep`, the
 * sweep. Prices are stamped at `timestamp` (the batch's L1 time must be within the oracle's hour of it).
 */
export async function engineBatch(opts: {
  timestamp: number;
  orders?: number;
  sweep?: boolean;
}): Promise<EngineBatch> {
  const x = new TestExchange(new EngineHarness("jit"));
  x.h.context = { timestamp: BigInt(opts.timestamp), l2Block: 0n, origin: 0n };
  x.setup();
  const makers = Array.from({ length: 8 }, (_, i) => testAccount(40 + i));
  const [taker, maker] = [testAccount(11), testAccount(12)];
  for (const a of [...makers, taker, maker]) x.deposit(a.address, 1_000_000_000_000n);
  if (opts.sweep)
    for (let i = 0; i < 40; i++) {
      const r = x.order(makers[i % 8].address, Side.SELL, P100 + BigInt(i + 1) * FAR, ONE / 10n);
      if (r.code !== 0) throw new Error(`maker order ${i} refused: ${JSON.stringify(r)}`);
    }
  const pre = [...x.h.state.entries()].map(([key, value]) => ({ key: key.slice(), value: value.slice() }));
  const state = ProvableState.empty();
  for (const { key, value } of pre) state.write(key, value);
  const preRoot = state.root.slice();

  const sign = async (account: typeof taker, side: number, price: bigint, quantity: bigint, tif: number) =>
    signTx(account, x.chainId, {
      type: "ORDER",
      nonce: x.nextNonce(account.address),
      body: {
        market: 0n,
        subaccount: 0n,
        side: BigInt(side),
        timeInForce: BigInt(tif),
        reduceOnly: false,
        price,
        quantity,
      },
    });
  const txs: Uint8Array[] = [];
  // Each pair: a maker's ask near the index rests, the taker's bid fills all of it (nothing accumulates, so
  // any number of pairs stays within the open-order and price-band limits).
  for (let i = 0; i < (opts.orders ?? 0); i++) {
    txs.push(await sign(maker, Side.SELL, P100 - BigInt(i % 10) * TICK, ONE / 10n, TimeInForce.GTC));
    txs.push(await sign(taker, Side.BUY, P100, ONE / 10n, TimeInForce.IOC));
  }
  if (opts.sweep) txs.push(await sign(taker, Side.BUY, P100 + 41n * FAR, 10n * ONE, TimeInForce.IOC));
  return { engine: ENGINE_WASM, pre, preRoot, preState: () => state.fork(), txs };
}

export const toBytes = (h: Hex): Uint8Array => hexToBytes(h);
