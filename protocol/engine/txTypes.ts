/**
 * The engine's transaction types (docs/engine.md, "Transactions"): type byte, EIP-712 struct
 * and body fields. One table drives the encoders, the EIP-712 typed data and the AssemblyScript
 * constants (engine/typeHashes.as.ts is checked against it by test/engine.typedData.test.ts).
 */

/** Transaction type bytes. */
export const TxType = {
  /** Unsigned: sets the admin and chain id; only the first. */
  GENESIS: 0x01,
  /** Unsigned: credits collateral; only from the L1 delayed inbox. */
  DEPOSIT: 0x02,
  /** Unsigned: applies one funding interval to a market; rate-limited by time. */
  FUNDING: 0x03,
  /** Unsigned: settles an account's position in an expired option series. */
  SETTLE: 0x04,
  SET_MARKET: 0x10,
  SET_UNDERLYING: 0x11,
  SET_OPTION: 0x12,
  PRICE: 0x20,
  WITHDRAW: 0x30,
  TRANSFER: 0x31,
  ORDER: 0x40,
  CANCEL: 0x41,
  CANCEL_ALL: 0x42,
  /** An order with a client order id (16 bytes, as two uint64 words), unique among the account's live orders. */
  ORDER_CID: 0x43,
  /** Cancels the live order with this client order id. */
  CANCEL_CID: 0x44,
  LIQUIDATE: 0x50,
} as const;
export type TxTypeName = keyof typeof TxType;

/** A body field: EIP-712 type and byte width in the transaction. */
export type Field = {
  readonly name: string;
  readonly type: "uint8" | "uint16" | "uint32" | "uint64" | "bool" | "address";
};

export const FIELD_BYTES: Readonly<Record<Field["type"], number>> = {
  uint8: 1,
  uint16: 2,
  uint32: 4,
  uint64: 8,
  bool: 1,
  address: 20,
};

/** Signed transactions: their EIP-712 primary type and body fields, in wire order (nonce first). */
export const SIGNED_TYPES = {
  SET_MARKET: {
    primaryType: "SetMarket",
    fields: [
      { name: "market", type: "uint16" },
      { name: "underlying", type: "uint16" },
      { name: "tickSize", type: "uint64" },
      { name: "lotSize", type: "uint64" },
      { name: "maxQuantity", type: "uint64" },
      { name: "initialMarginPpm", type: "uint32" },
      { name: "maintenanceMarginPpm", type: "uint32" },
      { name: "makerFeePpm", type: "uint32" },
      { name: "takerFeePpm", type: "uint32" },
      { name: "liquidationPenaltyPpm", type: "uint32" },
      { name: "priceBandPpm", type: "uint32" },
    ],
  },
  SET_OPTION: {
    primaryType: "SetOption",
    fields: [
      { name: "market", type: "uint16" },
      { name: "underlying", type: "uint16" },
      { name: "isCall", type: "bool" },
      { name: "strike", type: "uint64" },
      { name: "expiry", type: "uint64" },
      { name: "volatilityE8", type: "uint64" },
      { name: "tickSize", type: "uint64" },
      { name: "lotSize", type: "uint64" },
      { name: "maxQuantity", type: "uint64" },
      { name: "initialMarginPpm", type: "uint32" },
      { name: "maintenanceMarginPpm", type: "uint32" },
      { name: "makerFeePpm", type: "uint32" },
      { name: "takerFeePpm", type: "uint32" },
      { name: "liquidationPenaltyPpm", type: "uint32" },
      { name: "priceBandPpm", type: "uint32" },
    ],
  },
  SET_UNDERLYING: {
    primaryType: "SetUnderlying",
    fields: [
      { name: "underlying", type: "uint16" },
      { name: "reporter0", type: "address" },
      { name: "reporter1", type: "address" },
      { name: "reporter2", type: "address" },
      { name: "reporter3", type: "address" },
      { name: "reporter4", type: "address" },
      { name: "quorum", type: "uint8" },
      { name: "maxPriceAgeSeconds", type: "uint32" },
      { name: "maxMovePpm", type: "uint32" },
      { name: "settlementWindowSeconds", type: "uint32" },
      { name: "impactQuantity", type: "uint64" },
    ],
  },
  PRICE: {
    primaryType: "PriceReport",
    fields: [
      { name: "underlying", type: "uint16" },
      { name: "price", type: "uint64" },
      { name: "timestamp", type: "uint64" },
    ],
  },
  WITHDRAW: {
    primaryType: "Withdraw",
    fields: [
      { name: "subaccount", type: "uint8" },
      { name: "amount", type: "uint64" },
    ],
  },
  TRANSFER: {
    primaryType: "Transfer",
    fields: [
      { name: "fromSubaccount", type: "uint8" },
      { name: "toSubaccount", type: "uint8" },
      { name: "amount", type: "uint64" },
    ],
  },
  ORDER: {
    primaryType: "Order",
    fields: [
      { name: "market", type: "uint16" },
      { name: "subaccount", type: "uint8" },
      { name: "side", type: "uint8" },
      { name: "timeInForce", type: "uint8" },
      { name: "reduceOnly", type: "bool" },
      { name: "price", type: "uint64" },
      { name: "quantity", type: "uint64" },
    ],
  },
  CANCEL: {
    primaryType: "Cancel",
    fields: [
      { name: "market", type: "uint16" },
      { name: "subaccount", type: "uint8" },
      { name: "orderId", type: "uint64" },
    ],
  },
  CANCEL_ALL: {
    primaryType: "CancelAll",
    fields: [
      { name: "market", type: "uint16" },
      { name: "subaccount", type: "uint8" },
    ],
  },
  ORDER_CID: {
    primaryType: "OrderCid",
    fields: [
      { name: "market", type: "uint16" },
      { name: "subaccount", type: "uint8" },
      { name: "side", type: "uint8" },
      { name: "timeInForce", type: "uint8" },
      { name: "reduceOnly", type: "bool" },
      { name: "price", type: "uint64" },
      { name: "quantity", type: "uint64" },
      { name: "clientIdHigh", type: "uint64" },
      { name: "clientIdLow", type: "uint64" },
    ],
  },
  CANCEL_CID: {
    primaryType: "CancelCid",
    fields: [
      { name: "market", type: "uint16" },
      { name: "subaccount", type: "uint8" },
      { name: "clientIdHigh", type: "uint64" },
      { name: "clientIdLow", type: "uint64" },
    ],
  },
  LIQUIDATE: {
    primaryType: "Liquidate",
    fields: [
      { name: "subaccount", type: "uint8" },
      { name: "market", type: "uint16" },
      { name: "accountId", type: "uint32" },
      { name: "quantity", type: "uint64" },
    ],
  },
} as const satisfies Record<string, { primaryType: string; fields: readonly Field[] }>;
export type SignedTypeName = keyof typeof SIGNED_TYPES;

/** The EIP-712 type string of a signed transaction: `Name(uint64 nonce,<fields>)`. */
export function typeString(name: SignedTypeName): string {
  const t = SIGNED_TYPES[name];
  return `${t.primaryType}(uint64 nonce,${t.fields.map((f) => `${f.type} ${f.name}`).join(",")})`;
}

/** Bytes of a signed transaction's body (the fields after type, signer and nonce). */
export function bodyBytes(name: SignedTypeName): number {
  return SIGNED_TYPES[name].fields.reduce((n, f) => n + FIELD_BYTES[f.type], 0);
}
