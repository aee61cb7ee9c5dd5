// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {OspConstants as K} from "./OspConstants.sol";

/// @notice One call frame as the frame stack holds it (docs/machine.md, "Frame stack").
struct Frame {
    /// @dev Where the caller resumes; 0xffffffff for the outermost frame.
    uint256 returnPc;
    /// @dev The caller's frame base, in values.
    uint256 callerFp;
    /// @dev Reserved values before the call.
    uint256 used;
}

/// @title HashChains
/// @notice The value stack and the frame stack as hash chains (as Nitro's stacks): H_0 = zero word,
///         H_{i+1} = keccak(tag || H_i || word_i). A push is one hash; a pop is checked against the popped item and
///         the hash below it, which the proof supplies.
library HashChains {
    /// @dev A revealed (below, item) pair does not hash to the chain's top.
    error StackLinkMismatch(bytes32 expected, bytes32 computed);

    /// @notice The value stack after pushing `value` (a u64 word: an i32 zero-extended) on `top`.
    function pushValue(bytes32 top, uint256 value) internal pure returns (bytes32) {
        return link(K.VALUE_STACK, top, bytes32(value & 0xffffffffffffffff));
    }

    /// @notice The frame word: 20 zero bytes || return pc (4) || caller fp (4) || reserved values (4).
    function frameWord(Frame memory f) internal pure returns (bytes32) {
        return bytes32(((f.returnPc & 0xffffffff) << 64) | ((f.callerFp & 0xffffffff) << 32) | (f.used & 0xffffffff));
    }

    /// @notice The frame stack after pushing `f` on `top`.
    function pushFrame(bytes32 top, Frame memory f) internal pure returns (bytes32) {
        return link(K.FRAME_STACK, top, frameWord(f));
    }

    /// @notice keccak(tag || below || word), one link of a chain.
    function link(uint256 tag, bytes32 below, bytes32 word) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore8(p, tag)
            mstore(add(p, 1), below)
            mstore(add(p, 33), word)
            h := keccak256(p, 65)
        }
    }

    /// @notice Checks that `top` is `below` with `value` pushed on it, and returns `below` (a pop).
    function popValue(bytes32 top, bytes32 below, uint256 value) internal pure returns (bytes32) {
        bytes32 h = link(K.VALUE_STACK, below, bytes32(value));
        if (h != top) revert StackLinkMismatch(top, h);
        return below;
    }

    /// @notice Checks that `top` is `below` with frame `f` pushed on it, and returns `below` (a pop).
    function popFrame(bytes32 top, bytes32 below, Frame memory f) internal pure returns (bytes32) {
        bytes32 h = link(K.FRAME_STACK, below, frameWord(f));
        if (h != top) revert StackLinkMismatch(top, h);
        return below;
    }
}
