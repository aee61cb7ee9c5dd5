/**
 * The devnet's markets as the engine takes them: setupDevnetMarkets' governance transactions run through the
 * committed engine (test/engineHarness.ts) behind a stand-in admin client, so the short-expiry pair
 * (OPTIO_DEVNET_SHORT_EXPIRY_S) is checked against the engine's own listing rule (the settlement window must fit
 * before expiry), and the variable's refusals say what to do.
 */
import { describe, expect, it } from "vitest";
import {
  decodeOptionSeries,
  engineKeys,
  outcomeName,
  type SignedTypeName,
  type TxBody,
} from "../../protocol/engine/index.ts";
import type { OptioClient } from "../../sdk/index.ts";
import { EngineHarness, encodeGenesis, testAccount } from "../../test/engineHarness.ts";
import { CliError } from "../CliError.ts";
import {
  devnetShortExpirySeconds,
  MIN_SHORT_EXPIRY_S,
  SETTLEMENT_WINDOW_S,
  SHORT_EXPIRY_FIRST_MARKET,
  setupDevnetMarkets,
} from "./devnetMarkets.ts";

const CHAIN = 31337n;
const NOW = 1_700_000_000n;
const admin = testAccount(0);

/** The engine after GENESIS, with an admin client whose `send` runs each transaction in it (all setup uses). */
function engineWithAdmin(batchTime: bigint): { h: EngineHarness; client: OptioClient } {
  const h = new EngineHarness();
  h.context = { ...h.context, timestamp: batchTime };
  h.run(encodeGenesis(admin.address, CHAIN));
  let nonce = 0n;
  const send = async <N extends SignedTypeName>(type: N, body: TxBody<N>) => {
    const r = h.run(h.presign(CHAIN, { type, signer: admin.address, nonce: nonce++, body }));
    return { outcomeName: outcomeName(r.code) ?? `code ${r.code}` };
  };
  return { h, client: { send } as unknown as OptioClient };
}

describe("devnetShortExpirySeconds", () => {
  it("reads whole seconds, none when unset or empty", () => {
    expect(devnetShortExpirySeconds({})).toBeUndefined();
    expect(devnetShortExpirySeconds({ OPTIO_DEVNET_SHORT_EXPIRY_S: "" })).toBeUndefined();
    expect(devnetShortExpirySeconds({ OPTIO_DEVNET_SHORT_EXPIRY_S: "150" })).toBe(150n);
    expect(devnetShortExpirySeconds({ OPTIO_DEVNET_SHORT_EXPIRY_S: String(MIN_SHORT_EXPIRY_S) })).toBe(
      MIN_SHORT_EXPIRY_S,
    );
  });

  it("refuses what the engine could not list, or is not seconds, saying the range and a fix", () => {
    for (const bad of [String(MIN_SHORT_EXPIRY_S - 1n), "86401", "2m", "1e3", "-5", " 150", "1.5"]) {
      const e = (() => {
        try {
          devnetShortExpirySeconds({ OPTIO_DEVNET_SHORT_EXPIRY_S: bad });
        } catch (x) {
          return x;
        }
      })() as CliError;
      expect(e, bad).toBeInstanceOf(CliError);
      expect(e.message).toBe(
        `OPTIO_DEVNET_SHORT_EXPIRY_S: expected whole seconds from ${MIN_SHORT_EXPIRY_S} to 86400, got "${bad}"`,
      );
      expect(e.fix).toMatch(/settlement window must fit before expiry/);
    }
  });
});

describe("setupDevnetMarkets", () => {
  it("lists the short call and put at the money, even at the shortest expiry with the listing 10 s late", async () => {
    const { h, client } = engineWithAdmin(NOW + 10n);
    const series = await setupDevnetMarkets(client, NOW, MIN_SHORT_EXPIRY_S);
    expect(series.map((s) => s.market)).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
    const short = series.slice(-2);
    expect(short).toEqual([
      { market: 20, isCall: true, strike: 3_000_000_000n, expiry: NOW + MIN_SHORT_EXPIRY_S },
      { market: 21, isCall: false, strike: 3_000_000_000n, expiry: NOW + MIN_SHORT_EXPIRY_S },
    ]);
    for (const s of short)
      expect(decodeOptionSeries(h.get(engineKeys.market(s.market, 2)))).toMatchObject({
        isCall: s.isCall,
        strike: s.strike,
        expiry: s.expiry,
        settlementWindowSeconds: Number(SETTLEMENT_WINDOW_S),
      });
  });

  it("the engine's rule the slack stands for: a listing more than 10 s late would be refused", async () => {
    const { client } = engineWithAdmin(NOW + 11n);
    await expect(setupDevnetMarkets(client, NOW, MIN_SHORT_EXPIRY_S)).rejects.toThrow(
      `devnet setup: SET_OPTION ${SHORT_EXPIRY_FIRST_MARKET} answered BAD_MARKET_PARAMS`,
    );
  });

  it("without the variable: the strip alone, as before", async () => {
    const { h, client } = engineWithAdmin(NOW);
    const series = await setupDevnetMarkets(client, NOW, undefined);
    expect(series.map((s) => s.market)).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(h.get(engineKeys.market(SHORT_EXPIRY_FIRST_MARKET, 0)).every((b) => b === 0)).toBe(true);
  });
});
