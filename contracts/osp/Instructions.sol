// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice One flat instruction (docs/machine.md, "Flat instruction set").
struct Instruction {
    uint256 op;
    /// @dev Gas charged when execution reaches it: non-zero exactly at basic-block leaders.
    uint256 gas;
    /// @dev Immediates as u32 bit patterns (a 32-bit two's complement value when signed).
    uint256 a;
    uint256 b;
    uint256 c;
}

/// @title Instructions
/// @notice Decodes the 32-byte encoding of an instruction, a leaf of the code tree (docs/machine.md, "Encoding"):
///         op (1) || gas (4) || a (4) || b (4) || c (4) || 15 zero bytes, big-endian.
library Instructions {
    /// @notice The fields of the encoded instruction `word`.
    /// @dev Any word decodes: the code root commits to the leaves, so only words the loader wrote can be proven.
    ///      The zero word (past the code) is `unreachable` with no gas.
    function decode(bytes32 word) internal pure returns (Instruction memory ins) {
        uint256 w = uint256(word);
        ins.op = w >> 248;
        ins.gas = (w >> 216) & 0xffffffff;
        ins.a = (w >> 184) & 0xffffffff;
        ins.b = (w >> 152) & 0xffffffff;
        ins.c = (w >> 120) & 0xffffffff;
    }

    /// @notice The encoding of `ins` (the inverse of {decode} on well-formed words).
    function encode(Instruction memory ins) internal pure returns (bytes32) {
        return bytes32(
            (ins.op << 248) | ((ins.gas & 0xffffffff) << 216) | ((ins.a & 0xffffffff) << 184)
                | ((ins.b & 0xffffffff) << 152) | ((ins.c & 0xffffffff) << 120)
        );
    }
}
