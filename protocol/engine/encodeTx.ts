/**
 * Engine transaction encoders and decoder (docs/engine.md, "Transactions"). All integers are
 * big-endian. Signed: type (1) || signer (20) || nonce (8) || body || r (32) || s (32) || v (1),
 * the signature over the EIP-712 digest of typedData(). Unsigned: GENESIS, DEPOSIT.
 */
import { type Hex, hashDomain, hexToBytes, type LocalAccount, type TypedDataDefinition, toHex } from "viem";
import { keccak256 } from "../keccak.ts";
import { MalformedTxError } from "./errors.ts";
import { FIELD_BYTES, type Field, SIGNED_TYPES, type SignedTypeName, TxType, typeString } from "./txTypes.ts";

type FieldValue<F extends Field> = F["type"] extends "address"
  ? Hex
  : F["type"] extends "bool"
    ? boolean
    : bigint;

/** The body of a signed transaction of type N: its fields by name. */
export type TxBody<N extends SignedTypeName> = {
  [F in (typeof SIGNED_TYPES)[N]["fields"][number] as F["name"]]: FieldValue<F>;
};

/** A signed transaction before signing. */
export interface UnsignedTx<N extends SignedTypeName = SignedTypeName> {
  readonly type: N;
  readonly signer: Hex;
  readonly nonce: bigint;
  readonly body: TxBody<N>;
}

/** The EIP-712 domain of every engine signature. */
export function engineDomain(chainId: bigint) {
  return { name: "Optio", version: "1", chainId } as const;
}

/** The EIP-712 typed data a wallet signs for a transaction (viem's TypedDataDefinition). */
export function typedData<N extends SignedTypeName>(chainId: bigint, tx: UnsignedTx<N>): TypedDataDefinition {
  const t = SIGNED_TYPES[tx.type];
  return {
    domain: engineDomain(chainId),
    types: { [t.primaryType]: [{ name: "nonce", type: "uint64" }, ...t.fields] },
    primaryType: t.primaryType,
    message: { nonce: tx.nonce, ...(tx.body as Record<string, unknown>) },
  } as unknown as TypedDataDefinition;
}

const textEncoder = new TextEncoder();
const typeHashes = new Map<SignedTypeName, Uint8Array>();
const domainSeparators = new Map<bigint, Uint8Array>();

/** keccak of the EIP-712 type string of a transaction type. */
export function typeHash(type: SignedTypeName): Uint8Array {
  const known = typeHashes.get(type);
  if (known !== undefined) return known;
  const h = keccak256(textEncoder.encode(typeString(type)));
  typeHashes.set(type, h);
  return h;
}

/** The EIP-712 domain separator of `engineDomain(chainId)`. */
export function domainSeparator(chainId: bigint): Uint8Array {
  const known = domainSeparators.get(chainId);
  if (known !== undefined) return known;
  const d = hexToBytes(hashDomain({ domain: engineDomain(chainId), types: { EIP712Domain: DOMAIN_FIELDS } }));
  domainSeparators.set(chainId, d);
  return d;
}

const DOMAIN_FIELDS = [
  { name: "name", type: "string" },
  { name: "version", type: "string" },
  { name: "chainId", type: "uint256" },
] as const;

/**
 * The EIP-712 digest the engine recovers the signer from: keccak(0x1901 || domainSeparator ||
 * keccak(typeHash || one 32-byte word per field)). Every field is a fixed-size value, so the
 * struct encoding is the fields right-aligned in words (equal to viem's hashTypedData, which
 * test/engine.typedData.test.ts checks; this one is about 100 times faster).
 */
export function txDigest<N extends SignedTypeName>(chainId: bigint, tx: UnsignedTx<N>): Uint8Array {
  const fields = SIGNED_TYPES[tx.type].fields;
  const enc = new Uint8Array(32 * (2 + fields.length));
  enc.set(typeHash(tx.type), 0);
  putUint(enc, 56, 8, tx.nonce, "nonce");
  const body = tx.body as Record<string, bigint | boolean | Hex>;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    const at = 64 + 32 * i;
    const v = body[f.name];
    if (f.type === "address") putAddress(enc, at + 12, v as Hex, f.name);
    else if (f.type === "bool") enc[at + 31] = v === true ? 1 : 0;
    else putUint(enc, at + 32 - FIELD_BYTES[f.type], FIELD_BYTES[f.type], v as bigint, f.name);
  }
  return digestOf(chainId, enc);
}

/** keccak(0x1901 || domainSeparator || keccak(struct encoding)). */
function digestOf(chainId: bigint, enc: Uint8Array): Uint8Array {
  const pre = new Uint8Array(66);
  pre[0] = 0x19;
  pre[1] = 0x01;
  pre.set(domainSeparator(chainId), 2);
  pre.set(keccak256(enc), 34);
  return keccak256(pre);
}

function putUint(out: Uint8Array, at: number, width: number, v: bigint, what: string): void {
  if (typeof v !== "bigint" || v < 0n || v >= 1n << BigInt(8 * width)) {
    throw new MalformedTxError(`${what}: expected an integer in [0, 2^${8 * width}), got ${String(v)}`, {
      what,
    });
  }
  for (let i = width - 1; i >= 0; i--) {
    out[at + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

function putAddress(out: Uint8Array, at: number, a: Hex, what: string): void {
  if (!/^0x[0-9a-fA-F]{40}$/.test(a))
    throw new MalformedTxError(`${what}: expected a 20-byte hex address, got ${a}`);
  out.set(hexToBytes(a), at);
}

function readUint(b: Uint8Array, at: number, width: number): bigint {
  let v = 0n;
  for (let i = 0; i < width; i++) v = (v << 8n) | BigInt(b[at + i]);
  return v;
}

/** Bytes of a signed transaction's body. */
export function bodyLength(type: SignedTypeName): number {
  return SIGNED_TYPES[type].fields.reduce((n, f) => n + FIELD_BYTES[f.type], 0);
}

/** Encodes a signed transaction; `signature` is 65 bytes r || s || v (v 27 or 28), as viem's signTypedData returns. */
export function encodeSignedTx<N extends SignedTypeName>(
  tx: UnsignedTx<N>,
  signature: Hex | Uint8Array,
): Uint8Array {
  const sig = typeof signature === "string" ? hexToBytes(signature) : signature;
  if (sig.length !== 65) throw new MalformedTxError(`signature: expected 65 bytes, got ${sig.length}`);
  const t = SIGNED_TYPES[tx.type];
  const out = new Uint8Array(29 + bodyLength(tx.type) + 65);
  out[0] = TxType[tx.type];
  putAddress(out, 1, tx.signer, "signer");
  putUint(out, 21, 8, tx.nonce, "nonce");
  let at = 29;
  const body = tx.body as Record<string, bigint | boolean | Hex>;
  for (const f of t.fields) {
    const v = body[f.name];
    if (f.type === "address") putAddress(out, at, v as Hex, f.name);
    else if (f.type === "bool") {
      if (typeof v !== "boolean") throw new MalformedTxError(`${f.name}: expected a boolean`);
      out[at] = v ? 1 : 0;
    } else putUint(out, at, FIELD_BYTES[f.type], v as bigint, f.name);
    at += FIELD_BYTES[f.type];
  }
  out.set(sig, at);
  return out;
}

/** Signs with a viem local account and encodes. */
export async function signTx<N extends SignedTypeName>(
  account: LocalAccount,
  chainId: bigint,
  tx: Omit<UnsignedTx<N>, "signer">,
): Promise<Uint8Array> {
  const full = { ...tx, signer: account.address } as UnsignedTx<N>;
  const sig = await account.signTypedData(typedData(chainId, full) as never);
  return encodeSignedTx(full, sig);
}

/** GENESIS: type || admin (20) || chainId (8). */
export function encodeGenesis(admin: Hex, chainId: bigint): Uint8Array {
  const out = new Uint8Array(29);
  out[0] = TxType.GENESIS;
  putAddress(out, 1, admin, "admin");
  putUint(out, 21, 8, chainId, "chainId");
  return out;
}

/** DEPOSIT (delayed inbox only): type || recipient (20) || subaccount (1) || amount (8). */
export function encodeDeposit(to: Hex, subaccount: number, amount: bigint): Uint8Array {
  const out = new Uint8Array(30);
  out[0] = TxType.DEPOSIT;
  putAddress(out, 1, to, "to");
  putUint(out, 21, 1, BigInt(subaccount), "subaccount");
  putUint(out, 22, 8, amount, "amount");
  return out;
}

/** FUNDING: type || market (2). */
export function encodeFunding(market: number): Uint8Array {
  const out = new Uint8Array(3);
  out[0] = TxType.FUNDING;
  putUint(out, 1, 2, BigInt(market), "market");
  return out;
}

/** SETTLE: type || market (2) || account id (4). */
export function encodeSettle(market: number, accountId: number): Uint8Array {
  const out = new Uint8Array(7);
  out[0] = TxType.SETTLE;
  putUint(out, 1, 2, BigInt(market), "market");
  putUint(out, 3, 4, BigInt(accountId), "accountId");
  return out;
}

/** Signed type names by type byte. */
const SIGNED_BY_BYTE = new Map<number, SignedTypeName>(
  (Object.keys(SIGNED_TYPES) as SignedTypeName[]).map((n) => [TxType[n], n]),
);

/**
 * The ecrecover input the engine builds for a signed transaction, straight from its bytes:
 * digest (32) || v as a word (32) || r (32) || s (32), the digest equal to
 * `txDigest(chainId, decodeTx(bytes))` without decoding (a sequencer's recovery workers run
 * this for every transaction). Throws MalformedTxError where decodeTx would; undefined for an
 * unsigned transaction.
 */
export function recoveryInput(chainId: bigint, bytes: Uint8Array): Uint8Array | undefined {
  const name = SIGNED_BY_BYTE.get(bytes[0]);
  if (name === undefined) {
    decodeTx(bytes); // unsigned, or malformed: decodeTx says which
    return undefined;
  }
  const fields = SIGNED_TYPES[name].fields;
  const len = 29 + bodyLength(name) + 65;
  if (bytes.length !== len) throw new MalformedTxError(`${name}: expected ${len} bytes, got ${bytes.length}`);
  const enc = new Uint8Array(32 * (2 + fields.length));
  enc.set(typeHash(name), 0);
  enc.set(bytes.subarray(21, 29), 56);
  let at = 29;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    const w = FIELD_BYTES[f.type];
    if (f.type === "bool" && bytes[at] > 1)
      throw new MalformedTxError(`${f.name}: expected 0 or 1, got ${bytes[at]}`);
    enc.set(bytes.subarray(at, at + w), 64 + 32 * i + 32 - w);
    at += w;
  }
  const out = new Uint8Array(128);
  out.set(digestOf(chainId, enc), 0);
  out[63] = bytes[at + 64];
  out.set(bytes.subarray(at, at + 64), 64);
  return out;
}

export type DecodedTx =
  | { readonly type: "GENESIS"; readonly admin: Hex; readonly chainId: bigint }
  | { readonly type: "DEPOSIT"; readonly to: Hex; readonly subaccount: number; readonly amount: bigint }
  | { readonly type: "FUNDING"; readonly market: number }
  | { readonly type: "SETTLE"; readonly market: number; readonly accountId: number }
  | (UnsignedTx & { readonly signature: Uint8Array });

/** Decodes transaction bytes; throws MalformedTxError if they are not a well-formed engine transaction. */
export function decodeTx(bytes: Uint8Array): DecodedTx {
  if (bytes.length === 0) throw new MalformedTxError("empty");
  const type = bytes[0];
  if (type === TxType.GENESIS) {
    if (bytes.length !== 29) throw new MalformedTxError(`GENESIS: expected 29 bytes, got ${bytes.length}`);
    return { type: "GENESIS", admin: toHex(bytes.subarray(1, 21)), chainId: readUint(bytes, 21, 8) };
  }
  if (type === TxType.DEPOSIT) {
    if (bytes.length !== 30) throw new MalformedTxError(`DEPOSIT: expected 30 bytes, got ${bytes.length}`);
    return {
      type: "DEPOSIT",
      to: toHex(bytes.subarray(1, 21)),
      subaccount: bytes[21],
      amount: readUint(bytes, 22, 8),
    };
  }
  if (type === TxType.FUNDING) {
    if (bytes.length !== 3) throw new MalformedTxError(`FUNDING: expected 3 bytes, got ${bytes.length}`);
    return { type: "FUNDING", market: Number(readUint(bytes, 1, 2)) };
  }
  if (type === TxType.SETTLE) {
    if (bytes.length !== 7) throw new MalformedTxError(`SETTLE: expected 7 bytes, got ${bytes.length}`);
    return {
      type: "SETTLE",
      market: Number(readUint(bytes, 1, 2)),
      accountId: Number(readUint(bytes, 3, 4)),
    };
  }
  const name = (Object.keys(SIGNED_TYPES) as SignedTypeName[]).find((n) => TxType[n] === type);
  if (name === undefined) throw new MalformedTxError(`unknown type 0x${type.toString(16)}`, { type });
  const len = 29 + bodyLength(name) + 65;
  if (bytes.length !== len) throw new MalformedTxError(`${name}: expected ${len} bytes, got ${bytes.length}`);
  const body: Record<string, bigint | boolean | Hex> = {};
  let at = 29;
  for (const f of SIGNED_TYPES[name].fields) {
    const w = FIELD_BYTES[f.type];
    if (f.type === "address") body[f.name] = toHex(bytes.subarray(at, at + w));
    else if (f.type === "bool") {
      if (bytes[at] > 1) throw new MalformedTxError(`${f.name}: expected 0 or 1, got ${bytes[at]}`);
      body[f.name] = bytes[at] === 1;
    } else body[f.name] = readUint(bytes, at, w);
    at += w;
  }
  return {
    type: name,
    signer: toHex(bytes.subarray(1, 21)),
    nonce: readUint(bytes, 21, 8),
    body: body as TxBody<SignedTypeName>,
    signature: bytes.slice(at),
  };
}
