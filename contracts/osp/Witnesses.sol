// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {FixedMerkle} from "./FixedMerkle.sol";
import {Frame, HashChains} from "./HashChains.sol";
import {OspConstants as K} from "./OspConstants.sol";

/// @title Witnesses
/// @notice Reads and checks the witnesses of a one-step proof (docs/machine.md, "One-step proof", "Witnesses"):
///         stack openings `S(k)`, the frame opening `F`, global `G`, table `T` and memory `M(h)` openings. Each
///         reader takes the proof and the offset where the witness starts and returns the offset after it; every
///         read is bounds-checked, so a proof that is too short reverts with {ProofTooShort}.
library Witnesses {
    /// @dev The proof ends before a witness does.
    error ProofTooShort(uint256 needed, uint256 length);
    /// @dev A stack opening asks for more values than the stack holds.
    error StackOpeningTooDeep(uint256 k, uint256 sp);
    /// @dev A stack opening does not fold to the value-stack hash.
    error ValueStackMismatch(bytes32 expected, bytes32 computed);
    /// @dev A frame opening with no frame on the stack.
    error NoFrame();
    /// @dev A frame opening does not hash to the frame-stack hash.
    error FrameStackMismatch(bytes32 expected, bytes32 computed);
    /// @dev A Merkle opening does not verify against its root (tag names the tree).
    error MerkleRootMismatch(uint256 tag, bytes32 expected, bytes32 computed);

    /// @dev Bytes of one value in a proof (the 64-bit slot).
    uint256 internal constant VALUE_BYTES = 8;

    /// @notice Reverts with {ProofTooShort} unless `n` bytes are left at `at`.
    function need(bytes calldata proof, uint256 at, uint256 n) internal pure {
        if (at + n > proof.length) revert ProofTooShort(at + n, proof.length);
    }

    /// @notice The 32-byte word at `at` (bounds-checked).
    function word(bytes calldata proof, uint256 at) internal pure returns (bytes32 w) {
        need(proof, at, 32);
        assembly ("memory-safe") {
            w := calldataload(add(proof.offset, at))
        }
    }

    /// @notice The big-endian unsigned integer of `n` bytes (n <= 32) at `at` (bounds-checked).
    function uintAt(bytes calldata proof, uint256 at, uint256 n) internal pure returns (uint256 x) {
        need(proof, at, n);
        assembly ("memory-safe") {
            x := shr(sub(256, shl(3, n)), calldataload(add(proof.offset, at)))
        }
    }

    // ---------------------------------------------------------------- value stack

    /// @notice Opens `S(k)` at `at`: `base` then `k` values (bottom first), checked to fold to `top`.
    /// @param sp the values on the stack (k must not exceed it)
    /// @param top the value-stack hash
    /// @return base the chain link below the opened values (`V_{sp-k}`)
    /// @return values the opened values, bottom first
    /// @return next the offset after the opening
    function openStack(bytes calldata proof, uint256 at, uint256 k, uint256 sp, bytes32 top)
        internal
        pure
        returns (bytes32 base, uint256[] memory values, uint256 next)
    {
        if (k > sp) revert StackOpeningTooDeep(k, sp);
        if (k == 0) return (top, new uint256[](0), at);
        return openLinks(proof, at, k, top);
    }

    /// @notice `base` then `k` values, checked to fold to `top`, read even when `k` is 0 (the arguments of a host
    ///         function reached through the table, docs/machine.md "call_indirect").
    function openLinks(bytes calldata proof, uint256 at, uint256 k, bytes32 top)
        internal
        pure
        returns (bytes32 base, uint256[] memory values, uint256 next)
    {
        values = new uint256[](k);
        need(proof, at, 32 + k * VALUE_BYTES);
        bytes32 h;
        assembly ("memory-safe") {
            let p := add(proof.offset, at)
            base := calldataload(p)
            p := add(p, 32)
            let m := mload(0x40)
            // Preimage 0x11 || h || valueWord at [m, m + 65).
            mstore8(m, 0x11)
            h := base
            let out := add(values, 32)
            for { let i := 0 } lt(i, k) { i := add(i, 1) } {
                let v := shr(192, calldataload(p))
                mstore(add(out, shl(5, i)), v)
                mstore(add(m, 1), h)
                mstore(add(m, 33), v)
                h := keccak256(m, 65)
                p := add(p, 8)
            }
        }
        if (h != top) revert ValueStackMismatch(top, h);
        next = at + 32 + k * VALUE_BYTES;
    }

    /// @notice The value-stack hash after pushing `values[from..to)` on `base`.
    function fold(bytes32 base, uint256[] memory values, uint256 from, uint256 to) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore8(m, 0x11)
            h := base
            for { let i := from } lt(i, to) { i := add(i, 1) } {
                mstore(add(m, 1), h)
                mstore(add(m, 33), mload(add(values, shl(5, add(i, 1)))))
                h := keccak256(m, 65)
            }
        }
    }

    /// @notice The value-stack hash after pushing `n` zero values on `base` (enter's declared locals).
    function pushZeros(bytes32 base, uint256 n) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore8(m, 0x11)
            mstore(add(m, 33), 0)
            h := base
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                mstore(add(m, 1), h)
                h := keccak256(m, 65)
            }
        }
    }

    // ---------------------------------------------------------------- frame stack

    /// @notice Opens `F` at `at`: `F_{depth-1}` (32), return pc, caller fp, reserved values (4 each).
    /// @return below the frame-stack hash after popping the frame
    /// @return f the top frame
    /// @return next the offset after the opening
    function openFrame(bytes calldata proof, uint256 at, uint256 depth, bytes32 top)
        internal
        pure
        returns (bytes32 below, Frame memory f, uint256 next)
    {
        if (depth == 0) revert NoFrame();
        below = word(proof, at);
        f.returnPc = uintAt(proof, at + 32, 4);
        f.callerFp = uintAt(proof, at + 36, 4);
        f.used = uintAt(proof, at + 40, 4);
        bytes32 h = HashChains.pushFrame(below, f);
        if (h != top) revert FrameStackMismatch(top, h);
        next = at + 44;
    }

    // ---------------------------------------------------------------- Merkle openings

    /// @notice Opens `G` at `at`: the value (8) then 16 siblings, for global `index`, checked against `root`.
    /// @return value the global's 64-bit slot
    /// @return siblings the offset of the siblings (to recompute the root after a write)
    /// @return next the offset after the opening
    function openGlobal(bytes calldata proof, uint256 at, uint256 index, bytes32 root)
        internal
        pure
        returns (uint256 value, uint256 siblings, uint256 next)
    {
        value = uintAt(proof, at, VALUE_BYTES);
        siblings = at + VALUE_BYTES;
        next = siblings + 32 * K.GLOBALS_DEPTH;
        need(proof, siblings, 32 * K.GLOBALS_DEPTH);
        bytes32 h = FixedMerkle.root(K.GLOBALS_NODE, K.GLOBALS_DEPTH, index, bytes32(value), proof[siblings:next]);
        if (h != root) revert MerkleRootMismatch(K.GLOBALS_NODE, root, h);
    }

    /// @notice The globals root after global `index` becomes `value`, with the siblings at `siblings`.
    function globalsRootWith(bytes calldata proof, uint256 siblings, uint256 index, uint256 value)
        internal
        pure
        returns (bytes32)
    {
        return FixedMerkle.root(
            K.GLOBALS_NODE, K.GLOBALS_DEPTH, index, bytes32(value), proof[siblings:siblings + 32 * K.GLOBALS_DEPTH]
        );
    }

    /// @notice Opens `T` at `at`: the leaf (32) then 16 siblings, for slot `index`, checked against `root`.
    function openTable(bytes calldata proof, uint256 at, uint256 index, bytes32 root)
        internal
        pure
        returns (bytes32 leaf, uint256 next)
    {
        leaf = word(proof, at);
        uint256 siblings = at + 32;
        next = siblings + 32 * K.TABLE_DEPTH;
        need(proof, siblings, 32 * K.TABLE_DEPTH);
        bytes32 h = FixedMerkle.root(K.TABLE_NODE, K.TABLE_DEPTH, index, leaf, proof[siblings:next]);
        if (h != root) revert MerkleRootMismatch(K.TABLE_NODE, root, h);
    }

    /// @notice Opens `M(h)` at `at`: the `2^h` leaves of the aligned subtree `j` (leaves `j * 2^h ...`), then the
    ///         `19 - h` siblings of its root, checked against `root`.
    /// @return leaves the subtree's leaves
    /// @return siblings the offset of the siblings (to recompute the root after a write)
    /// @return next the offset after the opening
    function openMemory(bytes calldata proof, uint256 at, uint256 height, uint256 j, bytes32 root)
        internal
        pure
        returns (bytes32[] memory leaves, uint256 siblings, uint256 next)
    {
        uint256 n = 1 << height;
        need(proof, at, 32 * n);
        leaves = new bytes32[](n);
        for (uint256 i = 0; i < n; i++) {
            bytes32 w;
            assembly ("memory-safe") {
                w := calldataload(add(add(proof.offset, at), shl(5, i)))
            }
            leaves[i] = w;
        }
        siblings = at + 32 * n;
        next = siblings + 32 * (K.MEMORY_DEPTH - height);
        need(proof, siblings, next - siblings);
        bytes32 h = memoryRootWith(proof, siblings, height, j, leaves);
        if (h != root) revert MerkleRootMismatch(K.MEMORY_NODE, root, h);
    }

    /// @notice Opens `M(0)` at `at` for leaf `index`, checked against `root`: the leaf's 32 bytes.
    function openLeaf(bytes calldata proof, uint256 at, uint256 index, bytes32 root)
        internal
        pure
        returns (bytes32 leaf, uint256 next)
    {
        leaf = word(proof, at);
        next = at + 32 + 32 * K.MEMORY_DEPTH;
        need(proof, at + 32, 32 * K.MEMORY_DEPTH);
        bytes32 h = FixedMerkle.root(K.MEMORY_NODE, K.MEMORY_DEPTH, index, leaf, proof[at + 32:next]);
        if (h != root) revert MerkleRootMismatch(K.MEMORY_NODE, root, h);
    }

    /// @notice The memory root with leaf `index` set to `leaf`, given the `M(0)` opening at `at` (its siblings).
    function memoryRootWithLeaf(bytes calldata proof, uint256 at, uint256 index, bytes32 leaf)
        internal
        pure
        returns (bytes32)
    {
        return FixedMerkle.root(K.MEMORY_NODE, K.MEMORY_DEPTH, index, leaf, proof[at + 32:at + 32 + 32 * K.MEMORY_DEPTH]);
    }

    /// @notice The memory root with the aligned subtree `j` of height `height` holding `leaves`, its root's
    ///         siblings at `siblings`.
    function memoryRootWith(
        bytes calldata proof,
        uint256 siblings,
        uint256 height,
        uint256 j,
        bytes32[] memory leaves
    ) internal pure returns (bytes32) {
        bytes32 sub = subtreeRoot(K.MEMORY_NODE, leaves);
        uint256 depth = K.MEMORY_DEPTH - height;
        return FixedMerkle.root(K.MEMORY_NODE, depth, j, sub, proof[siblings:siblings + 32 * depth]);
    }

    /// @notice The root of a complete subtree over `leaves` (a power of two of them).
    function subtreeRoot(uint256 tag, bytes32[] memory leaves) internal pure returns (bytes32) {
        uint256 n = leaves.length;
        if (n == 1) return leaves[0];
        bytes32[] memory level = new bytes32[](n);
        for (uint256 i = 0; i < n; i++) level[i] = leaves[i];
        while (n > 1) {
            n >>= 1;
            for (uint256 i = 0; i < n; i++) level[i] = HashChains.link(tag, level[2 * i], level[2 * i + 1]);
        }
        return level[0];
    }
}
