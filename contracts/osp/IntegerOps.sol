// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IntegerOps
/// @notice The machine's numeric instructions (docs/machine.md, "Flat instruction set"): every i32 and i64 test,
///         comparison, unary and binary operator, `i32.wrap_i64`, `i64.extend_i32_s/u` and sign extension, on
///         values as the machine holds them: one 64-bit word per value, an i32 zero-extended.
/// @dev The Solidity twin of the numeric cases of `vm/Interpreter.ts`. Operands are read from the low 32 bits for
///      i32 operators and the low 64 bits for i64 ones (higher bits are ignored), results are canonical words
///      (an i32 result has its high half zero). Division traps are returned as data, with the codes of
///      `vm/Trap.ts`: callers turn them into a trapped machine.
library IntegerOps {
    /// @dev Trap code of `integer divide by zero` (index in `TRAPS`, vm/Trap.ts).
    uint256 internal constant TRAP_DIVIDE_BY_ZERO = 1;
    /// @dev Trap code of `integer overflow`.
    uint256 internal constant TRAP_INTEGER_OVERFLOW = 2;

    uint256 private constant _M32 = 0xffffffff;
    uint256 private constant _M64 = 0xffffffffffffffff;

    /// @notice Whether `op` is a numeric instruction taking one operand (eqz, clz, ctz, popcnt, conversions,
    ///         sign extension).
    function isUnary(uint256 op) internal pure returns (bool) {
        return op == 0x45 || op == 0x50 || (op >= 0x67 && op <= 0x69) || (op >= 0x79 && op <= 0x7b) || op == 0xa7
            || op == 0xac || op == 0xad || (op >= 0xc0 && op <= 0xc4);
    }

    /// @notice Whether `op` is a numeric instruction taking two operands (comparisons and binary operators).
    function isBinary(uint256 op) internal pure returns (bool) {
        return (op >= 0x46 && op <= 0x4f) || (op >= 0x51 && op <= 0x5a) || (op >= 0x6a && op <= 0x78)
            || (op >= 0x7c && op <= 0x8a);
    }

    /// @notice One operand numeric instruction `op` on the value word `x`.
    /// @dev `op` must satisfy {isUnary}; any other opcode returns 0 (the caller dispatches only unary ops here).
    function unary(uint256 op, uint256 x) internal pure returns (uint256 r) {
        unchecked {
            if (op == 0x45) return (x & _M32) == 0 ? 1 : 0; // i32.eqz
            if (op == 0x50) return (x & _M64) == 0 ? 1 : 0; // i64.eqz
            if (op == 0x67) return clz(x & _M32, 32); // i32.clz
            if (op == 0x68) return ctz(x & _M32, 32); // i32.ctz
            if (op == 0x69) return popcnt(x & _M32); // i32.popcnt
            if (op == 0x79) return clz(x & _M64, 64); // i64.clz
            if (op == 0x7a) return ctz(x & _M64, 64); // i64.ctz
            if (op == 0x7b) return popcnt(x & _M64); // i64.popcnt
            if (op == 0xa7) return x & _M32; // i32.wrap_i64
            if (op == 0xac) return uint256(signExtend(x, 32)) & _M64; // i64.extend_i32_s
            if (op == 0xad) return x & _M32; // i64.extend_i32_u
            if (op == 0xc0) return uint256(signExtend(x, 8)) & _M32; // i32.extend8_s
            if (op == 0xc1) return uint256(signExtend(x, 16)) & _M32; // i32.extend16_s
            if (op == 0xc2) return uint256(signExtend(x, 8)) & _M64; // i64.extend8_s
            if (op == 0xc3) return uint256(signExtend(x, 16)) & _M64; // i64.extend16_s
            if (op == 0xc4) return uint256(signExtend(x, 32)) & _M64; // i64.extend32_s
            return 0;
        }
    }

    /// @notice Two operand numeric instruction `op` on `x` (the deeper operand) and `y` (the top of the stack).
    /// @dev `op` must satisfy {isBinary}.
    /// @return r the result word (0 when trapping)
    /// @return trap 0, {TRAP_DIVIDE_BY_ZERO} or {TRAP_INTEGER_OVERFLOW}
    function binary(uint256 op, uint256 x, uint256 y) internal pure returns (uint256 r, uint256 trap) {
        if (op < 0x5b) return (_compare(op, x, y), 0);
        if (op < 0x79) return _binary32(op, x & _M32, y & _M32);
        return _binary64(op, x & _M64, y & _M64);
    }

    /// @dev Comparisons 0x46..0x4f (i32) and 0x51..0x5a (i64): eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u.
    function _compare(uint256 op, uint256 x, uint256 y) private pure returns (uint256) {
        uint256 bits = op < 0x50 ? 32 : 64;
        uint256 k = op < 0x50 ? op - 0x46 : op - 0x51;
        uint256 mask = (1 << bits) - 1;
        x &= mask;
        y &= mask;
        if (k == 0) return x == y ? 1 : 0;
        if (k == 1) return x != y ? 1 : 0;
        // Signed comparisons flip the sign bit, which maps two's complement order onto unsigned order.
        if (k & 1 == 0) {
            uint256 sign = 1 << (bits - 1);
            x ^= sign;
            y ^= sign;
        }
        if (k <= 3) return x < y ? 1 : 0;
        if (k <= 5) return x > y ? 1 : 0;
        if (k <= 7) return x <= y ? 1 : 0;
        return x >= y ? 1 : 0;
    }

    /// @dev i32 binary operators 0x6a..0x78 on zero-extended 32-bit operands.
    function _binary32(uint256 op, uint256 x, uint256 y) private pure returns (uint256 r, uint256 trap) {
        unchecked {
            if (op == 0x6a) return ((x + y) & _M32, 0);
            if (op == 0x6b) return ((x - y) & _M32, 0);
            if (op == 0x6c) return ((x * y) & _M32, 0);
            if (op >= 0x6d && op <= 0x70) {
                if (y == 0) return (0, TRAP_DIVIDE_BY_ZERO);
                if (op == 0x6e) return (x / y, 0);
                if (op == 0x70) return (x % y, 0);
                int256 sx = signExtend(x, 32);
                int256 sy = signExtend(y, 32);
                if (op == 0x6d) {
                    if (sx == type(int32).min && sy == -1) return (0, TRAP_INTEGER_OVERFLOW);
                    return (uint256(sx / sy) & _M32, 0);
                }
                // rem_s: the sign of the dividend, and INT_MIN % -1 is 0 (int256 never overflows here).
                return (uint256(sx % sy) & _M32, 0);
            }
            if (op == 0x71) return (x & y, 0);
            if (op == 0x72) return (x | y, 0);
            if (op == 0x73) return (x ^ y, 0);
            uint256 k = y & 31;
            if (op == 0x74) return ((x << k) & _M32, 0);
            if (op == 0x75) return (uint256(signExtend(x, 32) >> k) & _M32, 0);
            if (op == 0x76) return (x >> k, 0);
            if (op == 0x77) return (((x << k) | (x >> (32 - k))) & _M32, 0);
            return (((x >> k) | (x << (32 - k))) & _M32, 0); // 0x78 rotr
        }
    }

    /// @dev i64 binary operators 0x7c..0x8a on 64-bit operands.
    function _binary64(uint256 op, uint256 x, uint256 y) private pure returns (uint256 r, uint256 trap) {
        unchecked {
            if (op == 0x7c) return ((x + y) & _M64, 0);
            if (op == 0x7d) return ((x - y) & _M64, 0);
            if (op == 0x7e) return ((x * y) & _M64, 0);
            if (op >= 0x7f && op <= 0x82) {
                if (y == 0) return (0, TRAP_DIVIDE_BY_ZERO);
                if (op == 0x80) return (x / y, 0);
                if (op == 0x82) return (x % y, 0);
                int256 sx = signExtend(x, 64);
                int256 sy = signExtend(y, 64);
                if (op == 0x7f) {
                    if (sx == type(int64).min && sy == -1) return (0, TRAP_INTEGER_OVERFLOW);
                    return (uint256(sx / sy) & _M64, 0);
                }
                return (uint256(sx % sy) & _M64, 0);
            }
            if (op == 0x83) return (x & y, 0);
            if (op == 0x84) return (x | y, 0);
            if (op == 0x85) return (x ^ y, 0);
            uint256 k = y & 63;
            if (op == 0x86) return ((x << k) & _M64, 0);
            if (op == 0x87) return (uint256(signExtend(x, 64) >> k) & _M64, 0);
            if (op == 0x88) return (x >> k, 0);
            if (op == 0x89) return (((x << k) | (x >> (64 - k))) & _M64, 0);
            return (((x >> k) | (x << (64 - k))) & _M64, 0); // 0x8a rotr
        }
    }

    /// @notice The low `bits` bits of `x` as a signed integer (bits = 8, 16, 32 or 64).
    function signExtend(uint256 x, uint256 bits) internal pure returns (int256 r) {
        assembly ("memory-safe") {
            r := signextend(sub(shr(3, bits), 1), x)
        }
    }

    /// @notice Leading zero bits of `x` (< 2^width) in a `width`-bit word; `width` for zero.
    function clz(uint256 x, uint256 width) internal pure returns (uint256) {
        if (x == 0) return width;
        unchecked {
            return width - 1 - _msb(x);
        }
    }

    /// @notice Trailing zero bits of `x` (< 2^width); `width` for zero.
    function ctz(uint256 x, uint256 width) internal pure returns (uint256) {
        if (x == 0) return width;
        unchecked {
            return _msb(x & (~x + 1));
        }
    }

    /// @notice Set bits of `x` (< 2^64).
    function popcnt(uint256 x) internal pure returns (uint256 c) {
        unchecked {
            c = x - ((x >> 1) & 0x5555555555555555);
            c = (c & 0x3333333333333333) + ((c >> 2) & 0x3333333333333333);
            c = (c + (c >> 4)) & 0x0f0f0f0f0f0f0f0f;
            c = ((c * 0x0101010101010101) & _M64) >> 56;
        }
    }

    /// @dev Index of the most significant set bit of `x` (0 < x < 2^64).
    function _msb(uint256 x) private pure returns (uint256 r) {
        assembly ("memory-safe") {
            r := shl(5, lt(0xffffffff, x))
            r := or(r, shl(4, lt(0xffff, shr(r, x))))
            r := or(r, shl(3, lt(0xff, shr(r, x))))
            r := or(r, shl(2, lt(0xf, shr(r, x))))
            r := or(r, shl(1, lt(0x3, shr(r, x))))
            r := or(r, lt(0x1, shr(r, x)))
        }
    }
}
