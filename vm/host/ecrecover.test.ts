// ecrecover against L1's precompile (address 0x01) on Hardhat's EDR chain, and against viem's recoverAddress.
import { randomBytes } from "node:crypto";
import { network } from "hardhat";
import { bytesToHex, hexToBytes, recoverAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { ECRECOVER_BACKEND, ecrecover, ecrecoverReference } from "./ecrecover.ts";

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const word = (x: bigint) => hexToBytes(`0x${x.toString(16).padStart(64, "0")}`);
const { viem } = await network.create();
const client = await viem.getPublicClient();

/** What L1's precompile returns for `input`: 32 bytes, or undefined for empty output. */
async function precompile(input: Uint8Array): Promise<Uint8Array | undefined> {
  const r = await client.call({ to: "0x0000000000000000000000000000000000000001", data: bytesToHex(input) });
  return r.data === undefined || r.data === "0x" ? undefined : hexToBytes(r.data);
}

function input(hash: Uint8Array, v: bigint, r: bigint, s: bigint): Uint8Array {
  const out = new Uint8Array(128);
  out.set(hash, 0);
  out.set(word(v), 32);
  out.set(word(r), 64);
  out.set(word(s), 96);
  return out;
}

/** A signature by a fresh key over a random hash: [input, signer address]. */
async function signed(): Promise<{
  hash: Uint8Array;
  v: bigint;
  r: bigint;
  s: bigint;
  address: `0x${string}`;
}> {
  const account = privateKeyToAccount(bytesToHex(randomBytes(32)));
  const hash = new Uint8Array(randomBytes(32));
  const sig = hexToBytes(await account.sign({ hash: bytesToHex(hash) }));
  return {
    hash,
    r: BigInt(bytesToHex(sig.subarray(0, 32))),
    s: BigInt(bytesToHex(sig.subarray(32, 64))),
    v: BigInt(sig[64]),
    address: account.address,
  };
}

const padded = (address: string) => `0x${"0".repeat(24)}${address.slice(2).toLowerCase()}`;

describe("ecrecover", () => {
  it("test_ecrecover_usesTheNativeBackendHere_succeeds", () => {
    // The prebuilt libsecp256k1 addon loads on linux-x64 (CI); elsewhere noble serves, with the same results.
    if (process.env.OPTIO_ECRECOVER !== "noble" && process.platform === "linux" && process.arch === "x64")
      expect(ECRECOVER_BACKEND).toBe("libsecp256k1");
  });

  it("test_ecrecover_knownAnswer_succeeds", () => {
    // The precompile's usual known-answer vector (signer 0x7156526fbd7a3c72969b54f64e42c10fbb768c8a).
    const kat = hexToBytes(
      ("0x456e9aea5e197a1f1af7a3e85a3212fa4049a3ba34c2289b4c860fc0b0c64ef3000000000000000000000000000000000000000000000000000000000000001c" +
        "9242685bf161793cc25603c231bc2f568eb630ea16aa137d2664ac80388256084f8ae3bd7535248d0bd448298cc2e2071e56992d0774dc340c368ae950852ada") as `0x${string}`,
    );
    const want = padded("0x7156526fbd7a3c72969b54f64e42c10fbb768c8a");
    expect(bytesToHex(ecrecover(kat)!)).toBe(want);
    expect(bytesToHex(ecrecoverReference(kat)!)).toBe(want);
    kat[63] = 27; // the other parity recovers another key
    expect(bytesToHex(ecrecover(kat)!)).not.toBe(want);
  });

  it("test_ecrecover_recoversSignerLikeViem_succeeds", async () => {
    for (let i = 0; i < 30; i++) {
      const { hash, v, r, s, address } = await signed();
      const out = ecrecover(input(hash, v, r, s));
      expect(out && bytesToHex(out)).toBe(padded(address));
      const sig = bytesToHex(new Uint8Array([...word(r), ...word(s), Number(v)]));
      expect(await recoverAddress({ hash: bytesToHex(hash), signature: sig })).toBe(address);
    }
  });

  it("test_ecrecover_acceptsHighS_succeeds", async () => {
    // (r, n - s) with the other parity is the same signature; the precompile does not enforce low s.
    const { hash, v, r, s, address } = await signed();
    const out = ecrecover(input(hash, 55n - v, r, N - s));
    expect(out && bytesToHex(out)).toBe(padded(address));
  });

  it("test_ecrecover_rejectsOutOfRangeInputs_succeeds", async () => {
    const { hash, v, r, s } = await signed();
    const bad: Uint8Array[] = [
      input(hash, 0n, r, s),
      input(hash, 1n, r, s),
      input(hash, 29n, r, s),
      input(hash, v + (1n << 8n), r, s),
      input(hash, v + (1n << 255n), r, s),
      input(hash, v, 0n, s),
      input(hash, v, r, 0n),
      input(hash, v, N, s),
      input(hash, v, r, N),
      input(hash, v, (1n << 256n) - 1n, s),
    ];
    for (const b of bad) expect(ecrecover(b)).toBeUndefined();
  });

  it("test_ecrecover_matchesL1Precompile_succeeds", async () => {
    const cases: Uint8Array[] = [];
    for (let i = 0; i < 12; i++) {
      const { hash, v, r, s } = await signed();
      cases.push(input(hash, v, r, s), input(hash, 55n - v, r, N - s), input(hash, v ^ 1n, r, s));
      cases.push(input(hash, v, r, s + 1n), input(hash, v, N - 1n, s), input(hash, v, r, N - 1n));
      cases.push(input(word(N + BigInt(i)), v, r, s)); // a hash >= n is reduced mod n
    }
    // r values that are not the x of a curve point (about half of all r) and random words.
    for (let i = 0; i < 24; i++) {
      const h = new Uint8Array(randomBytes(32));
      const r = BigInt(bytesToHex(randomBytes(32))) % N;
      const s = BigInt(bytesToHex(randomBytes(32))) % N;
      cases.push(input(h, 27n + BigInt(i & 1), r, s));
    }
    cases.push(new Uint8Array(128), new Uint8Array(randomBytes(128)));
    const { hash, v } = await signed();
    cases.push(input(hash, v, 0n, 0n), input(hash, v, N, N), input(hash, 28n, 1n, 1n));
    let recovered = 0;
    for (const c of cases) {
      const ours = ecrecover(c);
      const l1 = await precompile(c);
      expect(ours && bytesToHex(ours), bytesToHex(c)).toBe(l1 && bytesToHex(l1));
      const reference = ecrecoverReference(c);
      expect(reference && bytesToHex(reference), bytesToHex(c)).toBe(l1 && bytesToHex(l1));
      if (ours !== undefined) recovered++;
    }
    expect(recovered).toBeGreaterThan(40);
    expect(recovered).toBeLessThan(cases.length - 20);
  });
});
