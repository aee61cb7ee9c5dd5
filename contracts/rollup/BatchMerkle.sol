// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Transaction and outbox Merkle trees (docs/protocol.md, "Batches" and "Outbox").
/// @notice A batch's transactions: a 4-ary tree of depth ceil(log4(n)) over the transaction hashes, padded with
///         zero leaves: node = keccak(0x05 || c0 || c1 || c2 || c3), an all-zero subtree of height k+1 is
///         keccak(0x05 || Z_k x 4), Z_0 = 0. Four children per hash cut the hashes computed on-chain per posted
///         transaction from one to a third (the commitment runs for every transaction of every batch; proofs,
///         needed once per dispute, grow from 1 to 3 siblings per level over half as many levels).
///         The outbox: a binary tree of depth 32, tag 0x0a: node = keccak(0x0a || left || right).
/// @dev The batch root is computed in assembly (hashed and folded in place, see batchRoot).
library BatchMerkle {
    /// @dev The batch data ends inside a length prefix or a transaction (`length` is the data's length).
    error TruncatedBatch(uint256 length);
    /// @dev A transaction longer than the machine accepts as input (RollupHashes.MAX_TRANSACTION_BYTES).
    error TransactionTooLong(uint256 max);
    /// @dev A proof's sibling count does not fit the tree's depth.
    error ProofDepthMismatch(uint256 expected, uint256 actual);
    /// @dev A leaf index past the tree's leaves.
    error LeafIndexOutOfRange(uint256 index, uint256 count);

    /// @notice Depth of a batch tree over `n` leaves: ceil(log4(n)), 0 for n <= 1.
    function depthFor(uint256 n) internal pure returns (uint256 d) {
        while ((uint256(1) << (2 * d)) < n) d++;
    }

    /// @notice The transaction root and count of batch data: transactions each prefixed with their byte length
    ///         (u16, big-endian), each at most `maxLength` bytes. Each leaf is keccak(0x04 || transaction bytes).
    function batchRoot(bytes calldata data, uint256 maxLength) internal pure returns (bytes32 root, uint256 count) {
        bool bad;
        bool long;
        assembly ("memory-safe") {
            // Leaves from `leaves` on, 32 bytes each; the byte before them is scratch for the first group's tag.
            let leaves := add(mload(0x40), 0x20)
            let p := leaves
            let off := data.offset
            let end := add(off, data.length)
            // A length prefix running past the end leaves `off` past `end`: caught after the loop, so that the
            // loop does no bounds checks (reads past the data only happen on the way to that revert).
            for {} lt(off, end) {} {
                let len := shr(240, calldataload(off))
                long := or(long, gt(len, maxLength))
                mstore8(p, 0x04)
                calldatacopy(add(p, 1), add(off, 2), len)
                mstore(p, keccak256(p, add(len, 1)))
                off := add(off, add(len, 2))
                p := add(p, 0x20)
            }
            bad := iszero(eq(off, end))
            let n := shr(5, sub(p, leaves))
            count := n
            // Fold the levels in place: group j (children 4j .. 4j + 3) is hashed where it lies, with the tag
            // written over the last byte of the word before it (already consumed), and node j goes to slot j.
            let z := 0
            for {} gt(n, 1) {} {
                // Pad the level to a multiple of 4 with zero subtrees.
                let padded := and(add(n, 3), not(3))
                for { let q := add(leaves, shl(5, n)) } lt(q, add(leaves, shl(5, padded))) { q := add(q, 0x20) } {
                    mstore(q, z)
                }
                let srcEnd := sub(add(leaves, shl(5, padded)), 1)
                let dst := leaves
                for { let src := sub(leaves, 1) } lt(src, srcEnd) { src := add(src, 0x80) } {
                    mstore8(src, 0x05)
                    mstore(dst, keccak256(src, 129))
                    dst := add(dst, 0x20)
                }
                // The zero subtree one level up, hashed just past this level.
                let zs := add(srcEnd, 1)
                mstore(zs, z)
                mstore(add(zs, 0x20), z)
                mstore(add(zs, 0x40), z)
                mstore(add(zs, 0x60), z)
                mstore8(srcEnd, 0x05)
                z := keccak256(srcEnd, 129)
                n := shr(2, padded)
            }
            if count { root := mload(leaves) }
        }
        if (bad) revert TruncatedBatch(data.length);
        if (long) revert TransactionTooLong(maxLength);
    }

    /// @notice The root of a batch tree that leaf `leaf` at `index` with `siblings` leads to: 3 per level, leaf
    ///         level first, each level's in child order with the path's own child left out.
    function batchRootFromProof(bytes32 leaf, uint256 index, bytes32[] calldata siblings)
        internal
        pure
        returns (bytes32 h)
    {
        h = leaf;
        assembly ("memory-safe") {
            let m := mload(0x40)
            for { let i := 0 } lt(i, siblings.length) { i := add(i, 3) } {
                let digit := and(shr(div(shl(1, i), 3), index), 3)
                let s := add(siblings.offset, shl(5, i))
                mstore8(m, 0x05)
                // Children 0..3 at m+1 + 32c: the siblings in order, the path's hash at its digit.
                let c := 0
                for { let j := 0 } lt(j, 4) { j := add(j, 1) } {
                    switch eq(j, digit)
                    case 1 { mstore(add(add(m, 1), shl(5, j)), h) }
                    default {
                        mstore(add(add(m, 1), shl(5, j)), calldataload(add(s, shl(5, c))))
                        c := add(c, 1)
                    }
                }
                h := keccak256(m, 129)
            }
        }
    }

    /// @notice The root a leaf at `index` with `siblings` (leaf level first) leads to, in a binary tree with node
    ///         tag `tag` (the outbox's).
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

    /// @notice Whether transaction hash `leaf` is leaf `index` of a batch tree of `count` leaves with root `root`
    ///         (`siblings`: 3 per level, see batchRootFromProof).
    function verifyTransaction(bytes32 root, uint256 count, bytes32 leaf, uint256 index, bytes32[] calldata siblings)
        internal
        pure
        returns (bool)
    {
        if (index >= count) revert LeafIndexOutOfRange(index, count);
        uint256 depth = depthFor(count);
        if (siblings.length != 3 * depth) revert ProofDepthMismatch(3 * depth, siblings.length);
        return batchRootFromProof(leaf, index, siblings) == root;
    }
}
