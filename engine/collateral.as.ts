// Collateral (docs/engine.md, "Collateral"): deposits from L1, withdrawals into the outbox,
// transfers between one owner's subaccounts. Amounts are in the collateral token's units.
import { checkInitial } from "./margin.as";
import { BAD_AMOUNT, INSUFFICIENT_COLLATERAL, OK, UNKNOWN_ACCOUNT } from "./outcome.as";
import { accountIdSlot, accountSlot, countersSlot, outboxSlot, totalsSlot } from "./state.as";
import { dirty } from "./store.as";

const I64_MAX: u64 = 0x7fffffffffffffff;

/** The account id of (address, subaccount); creates it when `create`, else 0 if absent. */
export function accountFor(addr: usize, sub: u8, create: bool): u32 {
  const s = accountIdSlot(addr, sub);
  const id = load<u32>(s);
  if (id != 0 || !create) return id;
  const c = countersSlot();
  const fresh = load<u32>(c) + 1;
  store<u32>(c, fresh);
  dirty(c);
  const s2 = accountIdSlot(addr, sub);
  store<u32>(s2, fresh);
  dirty(s2);
  const a = accountSlot(fresh);
  for (let i: usize = 0; i < 20; i++) store<u8>(a + 12 + i, load<u8>(addr + i));
  dirty(a);
  return fresh;
}

/** Credits `amount` to (addr, sub), creating the account. */
export function deposit(addr: usize, sub: u8, amount: u64): i32 {
  if (amount == 0 || amount > I64_MAX) return BAD_AMOUNT;
  const t = totalsSlot();
  const dep = load<u64>(t + 16);
  if (dep + amount > I64_MAX) return BAD_AMOUNT; // keeps every balance sum inside i64
  const id = accountFor(addr, sub, true);
  const a = accountSlot(id);
  store<i64>(a, load<i64>(a) + <i64>amount);
  dirty(a);
  const t2 = totalsSlot();
  store<u64>(t2 + 16, dep + amount);
  dirty(t2);
  return OK;
}

/**
 * Debits `amount` from (addr, sub) and appends (addr, amount) to the outbox. The amount must
 * not exceed the collateral, and the account must meet its initial requirement afterwards.
 */
export function withdraw(addr: usize, sub: u8, amount: u64): i32 {
  if (amount == 0 || amount > I64_MAX) return BAD_AMOUNT;
  const id = accountFor(addr, sub, false);
  if (id == 0) return UNKNOWN_ACCOUNT;
  const a = accountSlot(id);
  const col = load<i64>(a);
  if (col < <i64>amount) return INSUFFICIENT_COLLATERAL;
  store<i64>(a, col - <i64>amount);
  dirty(a);
  const r = checkInitial(id);
  if (r != OK) return r;
  const t = totalsSlot();
  store<u64>(t + 24, load<u64>(t + 24) + amount);
  dirty(t);
  const c = countersSlot();
  const index = load<u64>(c + 8);
  store<u64>(c + 8, index + 1);
  dirty(c);
  const o = outboxSlot(index);
  for (let i: usize = 0; i < 20; i++) store<u8>(o + i, load<u8>(addr + i));
  store<u64>(o + 20, bswap<u64>(amount));
  dirty(o);
  return OK;
}

/** Moves `amount` of collateral between two subaccounts of one address. */
export function transfer(addr: usize, fromSub: u8, toSub: u8, amount: u64): i32 {
  if (amount == 0 || amount > I64_MAX || fromSub == toSub) return BAD_AMOUNT;
  const from = accountFor(addr, fromSub, false);
  if (from == 0) return UNKNOWN_ACCOUNT;
  const a = accountSlot(from);
  const col = load<i64>(a);
  if (col < <i64>amount) return INSUFFICIENT_COLLATERAL;
  store<i64>(a, col - <i64>amount);
  dirty(a);
  const r = checkInitial(from);
  if (r != OK) return r;
  const to = accountFor(addr, toSub, true);
  const b = accountSlot(to);
  store<i64>(b, load<i64>(b) + <i64>amount);
  dirty(b);
  return OK;
}
