// The Optio engine: one call of main() is one L2 transaction (docs/machine.md,
// "Transactions"; docs/engine.md for every rule). main returns an outcome code
// (outcome.as.ts); the state keeps its writes, which for a rejection are only the consumed
// nonce of a validly signed transaction.
import { deposit, transfer, withdraw, accountFor } from "./collateral.as";
import { applyFunding } from "./funding.as";
import { genesis, priceReport, setMarket, setOption, setUnderlying } from "./governance.as";
import { context, CTX_ORIGIN, ORIGIN_DELAYED_INBOX } from "./host.as";
import { at, be16, be32, be64, inputLength, readInput, u8At } from "./input.as";
import { LAYOUT_END } from "./layout.as";
import { liquidate } from "./liquidation.as";
import { settleOption } from "./optionSettlement.as";
import { cancelAll, cancelOrder, cancelOrderCid, placeOrder, placeOrderCid } from "./order.as";
import {
  BAD_ENCODING, BAD_NONCE, BAD_SIGNATURE, NOT_FROM_L1, NOT_INITIALIZED, OK, UNKNOWN_ACCOUNT,
} from "./outcome.as";
import { BODY_OFF, ENVELOPE_BYTES, NONCE_OFF, SIGNER_OFF, verifySignature } from "./signature.as";
import { configSlot, nonceSlot } from "./state.as";
import { commit, dirty, discard } from "./store.as";
import {
  FIELDS_CANCEL, FIELDS_CANCEL_ALL, FIELDS_LIQUIDATE, TYPEHASH_LIQUIDATE, FIELDS_SET_OPTION, TYPEHASH_SET_OPTION, FIELDS_ORDER, FIELDS_PRICE, FIELDS_SET_MARKET, FIELDS_SET_UNDERLYING,
  FIELDS_TRANSFER, FIELDS_WITHDRAW, TYPEHASH_CANCEL, TYPEHASH_CANCEL_ALL, TYPEHASH_ORDER, TYPEHASH_PRICE,
  TYPEHASH_SET_MARKET, TYPEHASH_SET_UNDERLYING, TYPEHASH_TRANSFER, TYPEHASH_WITHDRAW, FIELDS_ORDER_CID,
  TYPEHASH_ORDER_CID, FIELDS_CANCEL_CID, TYPEHASH_CANCEL_CID,
} from "./typeHashes.as";

const TX_GENESIS: u8 = 0x01;
const TX_DEPOSIT: u8 = 0x02;
const TX_FUNDING: u8 = 0x03;
const TX_SETTLE: u8 = 0x04;
const TX_SET_OPTION: u8 = 0x12;
const TX_SET_MARKET: u8 = 0x10;
const TX_SET_UNDERLYING: u8 = 0x11;
const TX_PRICE: u8 = 0x20;
const TX_WITHDRAW: u8 = 0x30;
const TX_TRANSFER: u8 = 0x31;
const TX_ORDER: u8 = 0x40;
const TX_CANCEL: u8 = 0x41;
const TX_CANCEL_ALL: u8 = 0x42;
const TX_ORDER_CID: u8 = 0x43;
const TX_CANCEL_CID: u8 = 0x44;
const TX_LIQUIDATE: u8 = 0x50;

function bodyBytes(fields: StaticArray<u8>): i32 {
  let n = 0;
  for (let i = 0; i < fields.length; i++) n += <i32>unchecked(fields[i]);
  return n;
}

/** Runs the handler of a signed transaction whose signature and nonce checked out. */
function dispatchSigned(type: u8, signer: usize): i32 {
  const b = BODY_OFF;
  switch (type) {
    case TX_SET_MARKET:
      return setMarket(signer, b);
    case TX_SET_UNDERLYING:
      return setUnderlying(signer, b);
    case TX_SET_OPTION:
      return setOption(signer, b);
    case TX_PRICE:
      return priceReport(signer, b);
    case TX_WITHDRAW:
      return withdraw(signer, u8At(b), be64(b + 1));
    case TX_TRANSFER:
      return transfer(signer, u8At(b), u8At(b + 1), be64(b + 2));
    case TX_ORDER: {
      const owner = accountFor(signer, u8At(b + 2), false);
      if (owner == 0) return UNKNOWN_ACCOUNT;
      const ro = u8At(b + 5);
      if (ro > 1) return BAD_ENCODING;
      return placeOrder(owner, <u32>be16(b), u8At(b + 3), u8At(b + 4), ro == 1, be64(b + 6), be64(b + 14));
    }
    case TX_CANCEL: {
      const owner = accountFor(signer, u8At(b + 2), false);
      if (owner == 0) return UNKNOWN_ACCOUNT;
      return cancelOrder(owner, <u32>be16(b), be64(b + 3));
    }
    case TX_CANCEL_ALL: {
      const owner = accountFor(signer, u8At(b + 2), false);
      if (owner == 0) return UNKNOWN_ACCOUNT;
      return cancelAll(owner, <u32>be16(b));
    }
    case TX_ORDER_CID: {
      const owner = accountFor(signer, u8At(b + 2), false);
      if (owner == 0) return UNKNOWN_ACCOUNT;
      const ro = u8At(b + 5);
      if (ro > 1) return BAD_ENCODING;
      return placeOrderCid(
        owner, <u32>be16(b), u8At(b + 3), u8At(b + 4), ro == 1, be64(b + 6), be64(b + 14), be64(b + 22), be64(b + 30),
      );
    }
    case TX_CANCEL_CID: {
      const owner = accountFor(signer, u8At(b + 2), false);
      if (owner == 0) return UNKNOWN_ACCOUNT;
      return cancelOrderCid(owner, <u32>be16(b), be64(b + 3), be64(b + 11));
    }
    case TX_LIQUIDATE:
      return liquidate(signer, u8At(b), <u32>be16(b + 1), be32(b + 3), be64(b + 7));
  }
  return BAD_ENCODING;
}

function signed(type: u8, typeHash: StaticArray<u8>, fields: StaticArray<u8>): i32 {
  if (inputLength != ENVELOPE_BYTES + bodyBytes(fields)) return BAD_ENCODING;
  const cfg = configSlot();
  if (load<u8>(cfg + 20) == 0) return NOT_INITIALIZED;
  const chainId = load<u64>(cfg + 24);
  if (!verifySignature(typeHash, fields, chainId, inputLength - 65)) return BAD_SIGNATURE;
  const signer = at(SIGNER_OFF);
  const nonce = be64(NONCE_OFF);
  if (load<u64>(nonceSlot(signer)) != nonce) return BAD_NONCE;
  const r = dispatchSigned(type, signer);
  // A rejection keeps nothing but the consumed nonce.
  if (r != OK) discard();
  const n = nonceSlot(signer);
  store<u64>(n, nonce + 1);
  dirty(n);
  return r;
}

function run(): i32 {
  if (!readInput()) return BAD_ENCODING;
  const type = u8At(0);
  switch (type) {
    case TX_GENESIS:
      if (inputLength != 29) return BAD_ENCODING;
      const r = genesis();
      if (r != OK) discard();
      return r;
    case TX_DEPOSIT: {
      // Deposits are credited only from messages L1 authenticated (the bridge's deposits).
      if (inputLength != 30) return BAD_ENCODING;
      if (context(CTX_ORIGIN) != ORIGIN_DELAYED_INBOX) return NOT_FROM_L1;
      if (load<u8>(configSlot() + 20) == 0) return NOT_INITIALIZED;
      const r = deposit(at(1), u8At(21), be64(22));
      if (r != OK) discard();
      return r;
    }
    case TX_FUNDING: {
      // Anyone may apply funding (the sequencer does, once per interval): it is rate-limited by time.
      if (inputLength != 3) return BAD_ENCODING;
      if (load<u8>(configSlot() + 20) == 0) return NOT_INITIALIZED;
      const r = applyFunding(<u32>be16(1));
      if (r != OK) discard();
      return r;
    }
    case TX_SETTLE: {
      // Anyone may settle an expired option position (the sequencer does, after expiry).
      if (inputLength != 7) return BAD_ENCODING;
      if (load<u8>(configSlot() + 20) == 0) return NOT_INITIALIZED;
      const r = settleOption(<u32>be16(1), be32(3));
      if (r != OK) discard();
      return r;
    }
    case TX_SET_MARKET:
      return signed(type, TYPEHASH_SET_MARKET, FIELDS_SET_MARKET);
    case TX_SET_OPTION:
      return signed(type, TYPEHASH_SET_OPTION, FIELDS_SET_OPTION);
    case TX_SET_UNDERLYING:
      return signed(type, TYPEHASH_SET_UNDERLYING, FIELDS_SET_UNDERLYING);
    case TX_PRICE:
      return signed(type, TYPEHASH_PRICE, FIELDS_PRICE);
    case TX_WITHDRAW:
      return signed(type, TYPEHASH_WITHDRAW, FIELDS_WITHDRAW);
    case TX_TRANSFER:
      return signed(type, TYPEHASH_TRANSFER, FIELDS_TRANSFER);
    case TX_ORDER:
      return signed(type, TYPEHASH_ORDER, FIELDS_ORDER);
    case TX_CANCEL:
      return signed(type, TYPEHASH_CANCEL, FIELDS_CANCEL);
    case TX_CANCEL_ALL:
      return signed(type, TYPEHASH_CANCEL_ALL, FIELDS_CANCEL_ALL);
    case TX_ORDER_CID:
      return signed(type, TYPEHASH_ORDER_CID, FIELDS_ORDER_CID);
    case TX_CANCEL_CID:
      return signed(type, TYPEHASH_CANCEL_CID, FIELDS_CANCEL_CID);
    case TX_LIQUIDATE:
      return signed(type, TYPEHASH_LIQUIDATE, FIELDS_LIQUIDATE);
  }
  return BAD_ENCODING;
}

export function main(): i32 {
  // The static layout must fit the initial memory (scripts/build-wasm.sh --initialMemory).
  if (LAYOUT_END > (<usize>memory.size() << 16)) unreachable();
  const r = run();
  commit();
  return r;
}
