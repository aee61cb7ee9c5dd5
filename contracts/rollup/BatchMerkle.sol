// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Transaction and outbox Merkle trees (docs/protocol.md, "Batches" and "Outbox").
/// @notice A binary tree of fixed depth over 32-byte leaves, padded with zero leaves; a node is
///         keccak(tag || left || right), an all-zero subtree of height k+1 is keccak(tag || Z_k || Z_k), Z_0 = 0.
///         A batch's tree has tag 0x05, depth ceil(log2(n)) and the transaction hashes as leaves; the outbox
///         tree has tag 0x0a and depth 32.
/// @dev The root of a posted batch is computed here in assembly because it runs once per transaction of every
///      batch: leaves are hashed in place (the transaction is copied over the not yet used leaf slots) and the
///      levels are folded in place, with the tag byte written once per level.
library BatchMerkle {
    /// @dev The batch data ends inside a length prefix or a transaction.
    error TruncatedBatch(uint256 offset);
    /// @dev A proof's sibling count is not the tree's depth.
    error ProofDepthMismatch(uint256 expected, uint256 actual);
    /// @dev A leaf index past the tree's leaves.
    error LeafIndexOutOfRange(uint256 index, uint256 count);

    /// @notice Depth of the tree over `n` leaves: ceil(log2(n)), 0 for n <= 1.
    function depthFor(uint256 n) internal pure returns (uint256 d) {
        while ((uint256(1) << d) < n) d++;
    }

    /// @notice The transaction root and count of batch data: transactions each prefixed with their byte length
    ///         (u16, big-endian). Each leaf is keccak(0x04 || transaction bytes).
    function batchRoot(bytes calldata data) internal pure returns (bytes32 root, uint256 count) {
        uint256 bad;
        assembly ("memory-safe") {
            let scratch := mload(0x40)
            let leaves := add(scratch, 0x60)
            let off := data.offset
            let end := add(off, data.length)
            let n := 0
            for {} lt(off, end) {} {
                if gt(add(off, 2), end) {
                    bad := add(sub(off, data.offset), 1)
                    break
                }
                let len := shr(240, calldataload(off))
                off := add(off, 2)
                if gt(add(off, len), end) {
                    bad := add(sub(off, data.offset), 1)
                    break
                }
                let p := add(leaves, shl(5, n))
                mstore8(p, 0x04)
                calldatacopy(add(p, 1), off, len)
                mstore(p, keccak256(p, add(len, 1)))
                off := add(off, len)
                n := add(n, 1)
            }
            count := n
            // Fold the levels: node j of the next level goes to slot j, read from slots 2j and 2j + 1.
            mstore(scratch, 0x05)
            let tagAt := add(scratch, 31)
            let z := 0
            for {} gt(n, 1) {} {
                let half := shr(1, n)
                for { let j := 0 } lt(j, half) { j := add(j, 1) } {
                    let src := add(leaves, shl(6, j))
                    mstore(add(scratch, 0x20), mload(src))
                    mstore(add(scratch, 0x40), mload(add(src, 0x20)))
                    mstore(add(leaves, shl(5, j)), keccak256(tagAt, 65))
                }
                if and(n, 1) {
                    mstore(add(scratch, 0x20), mload(add(leaves, shl(6, half))))
                    mstore(add(scratch, 0x40), z)
                    mstore(add(leaves, shl(5, half)), keccak256(tagAt, 65))
                    half := add(half, 1)
                }
                mstore(add(scratch, 0x20), z)
                mstore(add(scratch, 0x40), z)
                z := keccak256(tagAt, 65)
                n := half
            }
            if count { root := mload(leaves) }
        }
        if (bad != 0) revert TruncatedBatch(bad - 1);
    }

    /// @notice The root a leaf at `index` with `siblings` (leaf level first) leads to, in a tree with node tag `tag`.
    function rootFromProof(uint8 tag, bytes32 leaf, uint256 index, bytes32[] calldata siblings)
        internal
        pure
        returns (bytes32 h)
    {
        h = leaf;
        assembly ("memory-safe") {
            // Hash in the free memory (not allocated: nothing outlives this loop).
            let m := mload(0x40)
            mstore(m, tag)
            let tagAt := add(m, 31)
            for { let i := 0 } lt(i, siblings.length) { i := add(i, 1) } {
                let s := calldataload(add(siblings.offset, shl(5, i)))
                switch and(shr(i, index), 1)
                case 0 {
                    mstore(add(m, 0x20), h)
                    mstore(add(m, 0x40), s)
                }
                default {
                    mstore(add(m, 0x20), s)
                    mstore(add(m, 0x40), h)
                }
                h := keccak256(tagAt, 65)
            }
        }
    }

    /// @notice Whether transaction hash `leaf` is leaf `index` of a batch tree of `count` leaves with root `root`.
    function verifyTransaction(bytes32 root, uint256 count, bytes32 leaf, uint256 index, bytes32[] calldata siblings)
        internal
        pure
        returns (bool)
    {
        if (index >= count) revert LeafIndexOutOfRange(index, count);
        uint256 depth = depthFor(count);
        if (siblings.length != depth) revert ProofDepthMismatch(depth, siblings.length);
        return rootFromProof(0x05, leaf, index, siblings) == root;
    }
}
