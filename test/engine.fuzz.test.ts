// No input makes the engine trap: random bytes, and random bodies of every transaction type at
// its exact length (signed ones with a recovered signer, so the handlers run on garbage fields),
// are executed with an outcome code, never reverted.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bodyLength, SIGNED_TYPES, type SignedTypeName, TxType } from "../protocol/engine/index.ts";
import { EngineHarness, TestExchange, testAccount } from "./engineHarness.ts";

const names = Object.keys(SIGNED_TYPES) as SignedTypeName[];

describe("engine fuzz", () => {
  it("random bytes are rejected as data, never a trap", () => {
    const x = new TestExchange(new EngineHarness());
    x.setup();
    x.deposit(testAccount(10).address, 1_000_000n);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 600 }), (bytes) => {
        const r = x.h.run(bytes, bytes.length % 2 === 0 ? 1n : 0n);
        expect(r.outcome).toBe("executed");
      }),
      { numRuns: 300 },
    );
  });

  it("garbage bodies of every signed type from a funded signer are executed, never reverted", () => {
    const x = new TestExchange(new EngineHarness());
    x.setup();
    const who = testAccount(10);
    x.deposit(who.address, 1_000_000_000n);
    for (const n of names) {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: bodyLength(n), maxLength: bodyLength(n) }), (body) => {
          // Decode the random body as this type's fields, then sign it (recovered ahead).
          const fields: Record<string, unknown> = {};
          let at = 0;
          for (const f of SIGNED_TYPES[n].fields) {
            const w = { uint8: 1, uint16: 2, uint32: 4, uint64: 8, bool: 1, address: 20 }[f.type];
            const slice = body.subarray(at, at + w);
            at += w;
            if (f.type === "address") fields[f.name] = `0x${Buffer.from(slice).toString("hex")}`;
            else if (f.type === "bool") fields[f.name] = (slice[0] & 1) === 1;
            else fields[f.name] = slice.reduce((v, b) => (v << 8n) | BigInt(b), 0n);
          }
          // Governance types from the admin and reports from the oracle, so their checks run too.
          const signer = n.startsWith("SET_")
            ? x.admin.address
            : n === "PRICE"
              ? x.oracle.address
              : who.address;
          const r = x.send(signer, n, fields as never);
          expect(r.outcome).toBe("executed");
          expect(r.code).not.toBe(2); // the signature checked out: the handler ran
        }),
        { numRuns: 40 },
      );
    }
    // Unsigned types at their exact lengths.
    for (const [type, len] of [
      [TxType.GENESIS, 29],
      [TxType.DEPOSIT, 30],
      [TxType.FUNDING, 3],
      [TxType.SETTLE, 7],
    ] as const) {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: len - 1, maxLength: len - 1 }), fc.boolean(), (rest, l1) => {
          const r = x.h.run(Uint8Array.from([type, ...rest]), l1 ? 1n : 0n);
          expect(r.outcome).toBe("executed");
        }),
        { numRuns: 60 },
      );
    }
  });
});
