// The engine's EIP-712 constants and digests agree with viem's typed-data hashing, and the
// encoders round-trip through the decoder.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { hashTypedData, hexToBytes, toBytes, keccak256 as viemKeccak } from "viem";
import { describe, expect, it } from "vitest";
import {
  bodyLength,
  decodeTx,
  encodeDeposit,
  encodeGenesis,
  encodeSignedTx,
  MalformedTxError,
  recoveryInput,
  SIGNED_TYPES,
  type SignedTypeName,
  TxType,
  txDigest,
  typedData,
  typeString,
  type UnsignedTx,
} from "../protocol/engine/index.ts";

const names = Object.keys(SIGNED_TYPES) as SignedTypeName[];
const asSource = readFileSync(new URL("../engine/typeHashes.as.ts", import.meta.url), "utf8");

function asBytes(name: string): Uint8Array {
  const m = asSource.match(new RegExp(`export const ${name}: StaticArray<u8> = \\[([^\\]]*)\\];`));
  if (m === null) throw new Error(`${name} missing from engine/typeHashes.as.ts`);
  return Uint8Array.from(m[1].split(",").map((s) => Number(s.trim())));
}

const widths = { uint8: 8, uint16: 16, uint32: 32, uint64: 64 } as const;

function arbitraryTx(name: SignedTypeName): fc.Arbitrary<UnsignedTx> {
  const body: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of SIGNED_TYPES[name].fields) {
    if (f.type === "address")
      body[f.name] = fc
        .uint8Array({ minLength: 20, maxLength: 20 })
        .map((b) => `0x${Buffer.from(b).toString("hex")}`);
    else if (f.type === "bool") body[f.name] = fc.boolean();
    else body[f.name] = fc.bigInt({ min: 0n, max: (1n << BigInt(widths[f.type])) - 1n });
  }
  return fc.record({
    type: fc.constant(name),
    signer: fc
      .uint8Array({ minLength: 20, maxLength: 20 })
      .map((b) => `0x${Buffer.from(b).toString("hex")}` as const),
    nonce: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    body: fc.record(body),
  }) as fc.Arbitrary<UnsignedTx>;
}

describe("engine typed data", () => {
  it("the AssemblyScript type hashes and field widths match the TypeScript table", () => {
    for (const n of names) {
      expect(asBytes(`TYPEHASH_${n}`)).toEqual(hexToBytes(viemKeccak(toBytes(typeString(n)))));
      expect([...asBytes(`FIELDS_${n}`)].reduce((a, b) => a + b, 0)).toBe(bodyLength(n));
    }
    expect(asBytes("DOMAIN_TYPEHASH")).toEqual(
      hexToBytes(viemKeccak(toBytes("EIP712Domain(string name,string version,uint256 chainId)"))),
    );
  });

  it("txDigest equals viem's hashTypedData, recoveryInput gives it from the bytes, and encode/decode round-trips", () => {
    for (const n of names) {
      fc.assert(
        fc.property(arbitraryTx(n), fc.bigInt({ min: 1n, max: 1n << 64n }), (tx, chainId) => {
          expect(txDigest(chainId, tx)).toEqual(hexToBytes(hashTypedData(typedData(chainId, tx))));
          const sig = new Uint8Array(65).fill(7);
          const bytes = encodeSignedTx(tx, sig);
          expect(bytes[0]).toBe(TxType[n]);
          const d = decodeTx(bytes);
          const input = recoveryInput(chainId, bytes)!;
          expect(input.subarray(0, 32)).toEqual(txDigest(chainId, tx));
          expect([...input.subarray(32, 64)]).toEqual([...new Array(31).fill(0), 7]);
          expect(input.subarray(64)).toEqual(sig.subarray(0, 64));
          expect(d).toEqual({
            ...tx,
            signer: tx.signer.toLowerCase(),
            body: lowerAddresses(tx.body),
            signature: sig,
          });
        }),
        { numRuns: 30 },
      );
    }
  });

  it("rejects malformed bytes and out-of-range fields with MalformedTxError", () => {
    expect(() => decodeTx(new Uint8Array(0))).toThrow(MalformedTxError);
    expect(() => decodeTx(new Uint8Array([0x77]))).toThrow(MalformedTxError);
    expect(() => decodeTx(new Uint8Array(10).fill(0x40))).toThrow(MalformedTxError);
    expect(() => recoveryInput(1n, new Uint8Array(10).fill(0x40))).toThrow(MalformedTxError);
    expect(() => recoveryInput(1n, new Uint8Array([0x77]))).toThrow(MalformedTxError);
    const deposit = encodeDeposit("0x0000000000000000000000000000000000000002", 3, 9n);
    expect(recoveryInput(1n, deposit)).toBeUndefined();
    // A bool field other than 0 or 1 (ORDER's reduceOnly, after market, subaccount, side, tif).
    const order = fc.sample(arbitraryTx("ORDER"), 1)[0];
    const bad = encodeSignedTx(order, new Uint8Array(65));
    bad[29 + 2 + 1 + 1 + 1] = 2;
    expect(() => decodeTx(bad)).toThrow(/reduceOnly: expected 0 or 1, got 2/);
    expect(() => recoveryInput(1n, bad)).toThrow(/reduceOnly: expected 0 or 1, got 2/);
    const g = encodeGenesis("0x0000000000000000000000000000000000000001", 5n);
    expect(decodeTx(g)).toEqual({
      type: "GENESIS",
      admin: "0x0000000000000000000000000000000000000001",
      chainId: 5n,
    });
    expect(decodeTx(encodeDeposit("0x0000000000000000000000000000000000000002", 3, 9n))).toEqual({
      type: "DEPOSIT",
      to: "0x0000000000000000000000000000000000000002",
      subaccount: 3,
      amount: 9n,
    });
    expect(() => encodeDeposit("0x0000000000000000000000000000000000000002", 256, 9n)).toThrow(
      MalformedTxError,
    );
    expect(() => encodeGenesis("0x12", 1n)).toThrow(MalformedTxError);
  });
});

function lowerAddresses(body: object): object {
  return Object.fromEntries(
    Object.entries(body).map(([k, v]) => [k, typeof v === "string" ? v.toLowerCase() : v]),
  );
}
