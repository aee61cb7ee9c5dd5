/**
 * WebAssembly opcodes as data: the mnemonic of every opcode the decoder may
 * meet (so an out-of-profile error can name it) and whether it is inside the
 * machine profile. Prefixed opcodes (0xFC xx) are keyed as 0xFC00 | xx.
 */

/** Mnemonics of the one-byte opcodes, indexed by opcode; undefined = not an opcode. */
export const OPCODE_NAMES: ReadonlyMap<number, string> = new Map<number, string>([
  [0x00, "unreachable"],
  [0x01, "nop"],
  [0x02, "block"],
  [0x03, "loop"],
  [0x04, "if"],
  [0x05, "else"],
  [0x06, "try"],
  [0x07, "catch"],
  [0x08, "throw"],
  [0x09, "rethrow"],
  [0x0a, "throw_ref"],
  [0x0b, "end"],
  [0x0c, "br"],
  [0x0d, "br_if"],
  [0x0e, "br_table"],
  [0x0f, "return"],
  [0x10, "call"],
  [0x11, "call_indirect"],
  [0x12, "return_call"],
  [0x13, "return_call_indirect"],
  [0x14, "call_ref"],
  [0x15, "return_call_ref"],
  [0x18, "delegate"],
  [0x19, "catch_all"],
  [0x1a, "drop"],
  [0x1b, "select"],
  [0x1c, "select t"],
  [0x1f, "try_table"],
  [0x20, "local.get"],
  [0x21, "local.set"],
  [0x22, "local.tee"],
  [0x23, "global.get"],
  [0x24, "global.set"],
  [0x25, "table.get"],
  [0x26, "table.set"],
  [0x28, "i32.load"],
  [0x29, "i64.load"],
  [0x2a, "f32.load"],
  [0x2b, "f64.load"],
  [0x2c, "i32.load8_s"],
  [0x2d, "i32.load8_u"],
  [0x2e, "i32.load16_s"],
  [0x2f, "i32.load16_u"],
  [0x30, "i64.load8_s"],
  [0x31, "i64.load8_u"],
  [0x32, "i64.load16_s"],
  [0x33, "i64.load16_u"],
  [0x34, "i64.load32_s"],
  [0x35, "i64.load32_u"],
  [0x36, "i32.store"],
  [0x37, "i64.store"],
  [0x38, "f32.store"],
  [0x39, "f64.store"],
  [0x3a, "i32.store8"],
  [0x3b, "i32.store16"],
  [0x3c, "i64.store8"],
  [0x3d, "i64.store16"],
  [0x3e, "i64.store32"],
  [0x3f, "memory.size"],
  [0x40, "memory.grow"],
  [0x41, "i32.const"],
  [0x42, "i64.const"],
  [0x43, "f32.const"],
  [0x44, "f64.const"],
  ...names(
    0x45,
    "i32.eqz i32.eq i32.ne i32.lt_s i32.lt_u i32.gt_s i32.gt_u i32.le_s i32.le_u i32.ge_s i32.ge_u",
  ),
  ...names(
    0x50,
    "i64.eqz i64.eq i64.ne i64.lt_s i64.lt_u i64.gt_s i64.gt_u i64.le_s i64.le_u i64.ge_s i64.ge_u",
  ),
  ...names(0x5b, "f32.eq f32.ne f32.lt f32.gt f32.le f32.ge f64.eq f64.ne f64.lt f64.gt f64.le f64.ge"),
  ...names(
    0x67,
    "i32.clz i32.ctz i32.popcnt i32.add i32.sub i32.mul i32.div_s i32.div_u i32.rem_s i32.rem_u " +
      "i32.and i32.or i32.xor i32.shl i32.shr_s i32.shr_u i32.rotl i32.rotr",
  ),
  ...names(
    0x79,
    "i64.clz i64.ctz i64.popcnt i64.add i64.sub i64.mul i64.div_s i64.div_u i64.rem_s i64.rem_u " +
      "i64.and i64.or i64.xor i64.shl i64.shr_s i64.shr_u i64.rotl i64.rotr",
  ),
  ...names(
    0x8b,
    "f32.abs f32.neg f32.ceil f32.floor f32.trunc f32.nearest f32.sqrt f32.add f32.sub f32.mul f32.div " +
      "f32.min f32.max f32.copysign",
  ),
  ...names(
    0x99,
    "f64.abs f64.neg f64.ceil f64.floor f64.trunc f64.nearest f64.sqrt f64.add f64.sub f64.mul f64.div " +
      "f64.min f64.max f64.copysign",
  ),
  ...names(
    0xa7,
    "i32.wrap_i64 i32.trunc_f32_s i32.trunc_f32_u i32.trunc_f64_s i32.trunc_f64_u i64.extend_i32_s " +
      "i64.extend_i32_u i64.trunc_f32_s i64.trunc_f32_u i64.trunc_f64_s i64.trunc_f64_u " +
      "f32.convert_i32_s f32.convert_i32_u f32.convert_i64_s f32.convert_i64_u f32.demote_f64 " +
      "f64.convert_i32_s f64.convert_i32_u f64.convert_i64_s f64.convert_i64_u f64.promote_f32 " +
      "i32.reinterpret_f32 i64.reinterpret_f64 f32.reinterpret_i32 f64.reinterpret_i64",
  ),
  ...names(0xc0, "i32.extend8_s i32.extend16_s i64.extend8_s i64.extend16_s i64.extend32_s"),
  [0xd0, "ref.null"],
  [0xd1, "ref.is_null"],
  [0xd2, "ref.func"],
  [0xd3, "ref.eq"],
  [0xd4, "ref.as_non_null"],
  [0xd5, "br_on_null"],
  [0xd6, "br_on_non_null"],
  ...names(
    0xfc00,
    "i32.trunc_sat_f32_s i32.trunc_sat_f32_u i32.trunc_sat_f64_s i32.trunc_sat_f64_u " +
      "i64.trunc_sat_f32_s i64.trunc_sat_f32_u i64.trunc_sat_f64_s i64.trunc_sat_f64_u " +
      "memory.init data.drop memory.copy memory.fill table.init elem.drop table.copy table.grow " +
      "table.size table.fill",
  ),
]);

/** Prefix bytes whose whole family is outside the profile, named for error messages. */
export const PREFIX_FAMILIES: ReadonlyMap<number, string> = new Map([
  [0xfb, "GC instruction (0xFB prefix)"],
  [0xfd, "SIMD instruction (0xFD prefix)"],
  [0xfe, "atomic instruction (0xFE prefix)"],
]);

function names(first: number, list: string): [number, string][] {
  return list.split(" ").map((name, i) => [first + i, name]);
}

/**
 * Opcodes inside the profile: the integer MVP plus sign extension (AssemblyScript
 * emits it) and `select t` with an integer type. Bulk memory stays out: one
 * `memory.copy` would be one machine step touching an unbounded byte range, which
 * a one-step proof cannot carry; AssemblyScript builds without it (`--disable
 * bulk-memory`) and copies with loads and stores instead.
 */
export const PROFILE_OPCODES: ReadonlySet<number> = new Set([
  ...range(0x00, 0x05),
  ...range(0x0b, 0x11),
  0x1a,
  0x1b,
  0x1c,
  ...range(0x20, 0x24),
  0x28,
  0x29,
  ...range(0x2c, 0x37),
  ...range(0x3a, 0x42),
  ...range(0x45, 0x5a),
  ...range(0x67, 0x8a),
  0xa7,
  0xac,
  0xad,
  ...range(0xc0, 0xc4),
]);

function range(first: number, last: number): number[] {
  const out: number[] = [];
  for (let op = first; op <= last; op++) out.push(op);
  return out;
}
