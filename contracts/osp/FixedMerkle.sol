// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title FixedMerkle
/// @notice Proofs in the machine's fixed-depth Merkle trees (docs/machine.md, "Merkle trees"): memory (tag 0x13,
///         depth 19), code (0x14, 22), globals (0x15, 16) and table (0x16, 16). Node = keccak(tag || left || right);
///         a proof of leaf i is its `depth` sibling hashes, leaf level first.
library FixedMerkle {
    /// @dev The leaf index does not fit the tree.
    error LeafIndexOutOfRange(uint256 index, uint256 depth);

    /// @dev The proof holds fewer than `depth` siblings.
    error SiblingsTooShort(uint256 length, uint256 depth);

    /// @notice The root of a tree of depth `depth` with tag `tag` whose leaf `index` is `leaf`, given the leaf's
    ///         siblings: the first `32 * depth` bytes of `siblings`, leaf level first.
    function root(uint256 tag, uint256 depth, uint256 index, bytes32 leaf, bytes calldata siblings)
        internal
        pure
        returns (bytes32 h)
    {
        if (index >> depth != 0) revert LeafIndexOutOfRange(index, depth);
        if (siblings.length < depth << 5) revert SiblingsTooShort(siblings.length, depth);
        assembly ("memory-safe") {
            let m := mload(0x40)
            // The preimage tag || left || right sits at [0x1f, 0x60); 0x40-0x5f is restored after.
            mstore(0x00, tag)
            h := leaf
            let at := siblings.offset
            for { let k := 0 } lt(k, depth) { k := add(k, 1) } {
                // Bit k of the index: 0 means h is the left child.
                let right := and(shr(k, index), 1)
                let slot := add(0x20, shl(5, right))
                mstore(slot, h)
                mstore(xor(slot, 0x60), calldataload(at))
                h := keccak256(0x1f, 0x41)
                at := add(at, 0x20)
            }
            mstore(0x40, m)
        }
    }

    /// @notice The roots of the same tree before and after leaf `index` changes from `oldLeaf` to `newLeaf`, from
    ///         one proof (the siblings do not change).
    function roots(
        uint256 tag,
        uint256 depth,
        uint256 index,
        bytes32 oldLeaf,
        bytes32 newLeaf,
        bytes calldata siblings
    ) internal pure returns (bytes32 oldRoot, bytes32 newRoot) {
        oldRoot = root(tag, depth, index, oldLeaf, siblings);
        newRoot = root(tag, depth, index, newLeaf, siblings);
    }
}
