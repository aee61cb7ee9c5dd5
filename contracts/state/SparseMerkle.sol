// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title SparseMerkle
/// @notice Proofs for the Optio state tree: a binary sparse Merkle tree over
/// 256-bit keys with 32-byte values, in which an empty subtree hashes to zero and
/// a subtree holding one leaf hashes to that leaf whatever its depth.
/// @dev The Solidity twin of `protocol/smt/proof.ts`; `docs/protocol.md`
/// ("State tree", "Proofs", "Writing one key with its proof") is the spec.
///
/// Hashes: leaf = keccak256(0x01 || key || value), node = keccak256(0x02 || left || right).
/// Bit `i` of a key is `(uint256(key) >> (255 - i)) & 1` (most significant first).
///
/// Proof encoding (calldata):
/// - `depth` (uint16, 0..256) at offset 0, `flags` (uint8) at offset 2:
///   bit 0 TERMINAL_LEAF, bit 1 HAS_OPENING, bit 2 OPENING_IS_LEAF, bits 3-7 zero;
/// - if TERMINAL_LEAF: `leafKey`, `leafValue` (64 bytes);
/// - if HAS_OPENING: the opening of the sibling at `depth` (64 bytes):
///   `(key, value)` if OPENING_IS_LEAF, else `(left, right)`;
/// - `bitmap` (32 bytes): bit `j - 1` is set iff the sibling at depth `j` is non-zero;
/// - the non-zero siblings, 32 bytes each, deepest first.
///
/// Every well-formedness rule of the spec is enforced, so each (root, key) has
/// exactly one accepted proof.
library SparseMerkle {
    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                       CUSTOM ERRORS                        */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @dev The proof ends before its bitmap (35 bytes, plus 64 for each of the leaf and opening its flags announce).
    error ProofTooShort(uint256 length);

    /// @dev The encoded depth is above 256.
    error DepthTooLarge(uint256 depth);

    /// @dev The flags byte has a bit set among bits 3-7.
    error UnknownFlags(uint8 flags);

    /// @dev OPENING_IS_LEAF is set without HAS_OPENING.
    error OpeningKindWithoutOpening();

    /// @dev The bitmap has a bit set at or beyond the depth.
    error BitmapBeyondDepth(uint256 depth);

    /// @dev The length is not the header plus 32 bytes per set bitmap bit.
    error ProofLengthMismatch(uint256 expected, uint256 actual);

    /// @dev The depth is non-zero but the sibling at that depth is empty.
    error EmptyTerminalSibling();

    /// @dev A leaf in the proof (the terminal leaf, or a leaf opening) has a zero value.
    error ZeroLeafValue();

    /// @dev The terminal leaf's key does not share the first `depth` bits with the key.
    error LeafPrefixMismatch();

    /// @dev The terminal is the key's own leaf below the root, but the proof has no opening.
    error OpeningRequired();

    /// @dev The proof has an opening although the terminal is not the key's own leaf below the root.
    error UnexpectedOpening();

    /// @dev The opening does not hash to the sibling at the terminal's depth.
    error OpeningMismatch();

    /// @dev The proof is well formed but commits to `computed`, not to `expected`.
    error RootMismatch(bytes32 expected, bytes32 computed);

    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                         CONSTANTS                          */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @dev Flag: the terminal is a leaf, whose key and value follow the flags.
    uint256 internal constant TERMINAL_LEAF = 1;

    /// @dev Flag: the opening of the sibling at the terminal's depth follows.
    uint256 internal constant HAS_OPENING = 2;

    /// @dev Flag: the opening is a leaf `(key, value)` rather than a node `(left, right)`.
    uint256 internal constant OPENING_IS_LEAF = 4;

    /// @dev Domain tag of a state-tree leaf hash.
    uint256 internal constant STATE_LEAF = 0x01;

    /// @dev Domain tag of a state-tree node hash.
    uint256 internal constant STATE_NODE = 0x02;

    /// @dev The smallest proof: depth, flags and bitmap.
    uint256 private constant _MIN_LENGTH = 35;

    /// @dev Codes of the well-formedness errors, as `_open` finds them and `_fail` raises them.
    uint256 private constant _PROOF_TOO_SHORT = 1;
    uint256 private constant _DEPTH_TOO_LARGE = 2;
    uint256 private constant _UNKNOWN_FLAGS = 3;
    uint256 private constant _OPENING_KIND_WITHOUT_OPENING = 4;
    uint256 private constant _BITMAP_BEYOND_DEPTH = 5;
    uint256 private constant _PROOF_LENGTH_MISMATCH = 6;
    uint256 private constant _EMPTY_TERMINAL_SIBLING = 7;
    uint256 private constant _ZERO_LEAF_VALUE = 8;
    uint256 private constant _LEAF_PREFIX_MISMATCH = 9;
    uint256 private constant _UNEXPECTED_OPENING = 10;
    uint256 private constant _OPENING_REQUIRED = 11; // _UNEXPECTED_OPENING + 1
    uint256 private constant _OPENING_MISMATCH = 12;

    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                         OPERATIONS                         */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @notice Reads `key` from the tree with root `root`.
    /// @dev Reverts with one of the well-formedness errors if `proof` is malformed,
    /// and with {RootMismatch} if it commits to another root.
    /// @param root The state root.
    /// @param key The 256-bit tree key.
    /// @param proof The encoded proof for `key`.
    /// @return value The value of `key`, zero if it is absent.
    function read(bytes32 root, bytes32 key, bytes calldata proof) internal pure returns (bytes32 value) {
        bytes32 computed;
        (computed, value,) = _open(key, proof);
        if (computed != root) revert RootMismatch(root, computed);
    }

    /// @notice Whether `proof` shows that `key` holds `value` in the tree with root `root`.
    /// @dev Reverts with the well-formedness errors ({ProofTooShort}, {DepthTooLarge},
    /// {UnknownFlags}, {OpeningKindWithoutOpening}, {BitmapBeyondDepth},
    /// {ProofLengthMismatch}, {EmptyTerminalSibling}, {ZeroLeafValue},
    /// {LeafPrefixMismatch}, {OpeningRequired}, {UnexpectedOpening},
    /// {OpeningMismatch}) if `proof` is malformed. Returns false, without
    /// reverting, for a well-formed proof that commits to another root or reads
    /// another value: it never reverts with {RootMismatch}.
    /// @param root The state root.
    /// @param key The 256-bit tree key.
    /// @param value The expected value, zero for an absent key.
    /// @param proof The encoded proof for `key`.
    /// @return True iff the proof commits to `root` and reads `value`.
    function verify(bytes32 root, bytes32 key, bytes32 value, bytes calldata proof)
        internal
        pure
        returns (bool)
    {
        (bytes32 computed, bytes32 current,) = _open(key, proof);
        return computed == root && current == value;
    }

    /// @notice The root after setting `key` to `value` (zero deletes) in the tree with root `root`.
    /// @dev Reverts like {read} unless `proof` is well formed and commits to `root`.
    /// @param root The state root before the write.
    /// @param key The 256-bit tree key.
    /// @param value The new value; zero deletes the key.
    /// @param proof The encoded proof for `key` against `root`.
    /// @return newRoot The state root after the write.
    function write(bytes32 root, bytes32 key, bytes32 value, bytes calldata proof)
        internal
        pure
        returns (bytes32 newRoot)
    {
        (bytes32 computed, bytes32 current, uint256 head) = _open(key, proof);
        if (computed != root) revert RootMismatch(root, computed);
        // Same value: nothing changes (this includes deleting an absent key).
        if (current == value) return root;
        uint256 depth = head >> 240;
        uint256 flags = (head >> 232) & 0xff;
        uint256 siblings;
        uint256 bitmap;
        assembly ("memory-safe") {
            siblings :=
                add(
                    add(proof.offset, _MIN_LENGTH),
                    add(shl(6, and(flags, TERMINAL_LEAF)), shl(5, and(flags, HAS_OPENING)))
                )
            bitmap := calldataload(sub(siblings, 0x20))
        }
        if (value != 0) {
            bytes32 h = _hash(STATE_LEAF, key, value);
            // A terminal leaf that reads zero is another key's leaf (own leaves are non-zero).
            if (flags & TERMINAL_LEAF != 0 && current == 0) {
                uint256 p;
                (h, p) = _split(key, h, proof);
                // Bitmap bits at or beyond the depth are zero, so the fold wraps the split
                // node in `p - depth` nodes with a ZERO sibling before it meets the proof's.
                return _fold(key, h, p, bitmap, siblings);
            }
            // The terminal is empty or the key's own leaf: replace it.
            return _fold(key, h, depth, bitmap, siblings);
        }
        // Delete the key's own leaf.
        if (depth == 0) return bytes32(0);
        // Its sibling is a node: the terminal becomes empty.
        if (flags & OPENING_IS_LEAF == 0) return _fold(key, bytes32(0), depth, bitmap, siblings);
        // Its sibling is a lone leaf: it rises while its new siblings are empty, then the
        // fold resumes at the first non-zero sibling, the next one listed after it.
        bytes32 lifted;
        uint256 level;
        assembly ("memory-safe") {
            lifted := calldataload(siblings)
            level := sub(depth, 1)
            for {} level { level := sub(level, 1) } {
                if and(shr(sub(256, level), bitmap), 1) { break }
            }
            siblings := add(siblings, 0x20)
        }
        return _fold(key, lifted, level, bitmap, siblings);
    }

    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                      PRIVATE HELPERS                       */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @dev Checks every well-formedness rule of the spec and reverts with the first one
    /// broken, in this order: length of the fixed part, depth, flags, length of the
    /// header, terminal leaf (value, prefix), opening present exactly when needed, bitmap
    /// within the depth, exact length, non-empty sibling at the depth, opening (value,
    /// hash). Then folds the proof up. Returns the root the proof commits to, the value
    /// it reads for `key`, and the proof's first word (`depth` in its top 16 bits,
    /// `flags` in the next 8).
    function _open(bytes32 key, bytes calldata proof)
        private
        pure
        returns (bytes32 computed, bytes32 value, uint256 head)
    {
        uint256 depth;
        uint256 bitmap;
        uint256 siblings;
        uint256 failure;
        uint256 expected;
        assembly ("memory-safe") {
            let m := mload(0x40)
            // One pass; `break` at the first broken rule, with `failure` naming it.
            for {} 1 {} {
                if lt(proof.length, _MIN_LENGTH) {
                    failure := _PROOF_TOO_SHORT
                    break
                }
                head := calldataload(proof.offset)
                depth := shr(240, head)
                let flags := and(shr(232, head), 0xff)
                if gt(depth, 256) {
                    failure := _DEPTH_TOO_LARGE
                    break
                }
                if gt(flags, 7) {
                    failure := _UNKNOWN_FLAGS
                    break
                }
                if eq(and(flags, or(HAS_OPENING, OPENING_IS_LEAF)), OPENING_IS_LEAF) {
                    failure := _OPENING_KIND_WITHOUT_OPENING
                    break
                }
                // Depth, flags and bitmap, plus 64 bytes for each of the leaf and the opening announced.
                expected := add(add(_MIN_LENGTH, shl(6, and(flags, TERMINAL_LEAF))), shl(5, and(flags, HAS_OPENING)))
                if lt(proof.length, expected) {
                    failure := _PROOF_TOO_SHORT
                    break
                }
                let wantOpening := 0
                if and(flags, TERMINAL_LEAF) {
                    let leafKey := calldataload(add(proof.offset, 3))
                    let leafValue := calldataload(add(proof.offset, 35))
                    if iszero(leafValue) {
                        failure := _ZERO_LEAF_VALUE
                        break
                    }
                    // Shifting by 256 (depth 0) leaves zero: no bits to share.
                    if shr(sub(256, depth), xor(leafKey, key)) {
                        failure := _LEAF_PREFIX_MISMATCH
                        break
                    }
                    if eq(leafKey, key) {
                        value := leafValue
                        wantOpening := iszero(iszero(depth))
                    }
                    mstore(0x00, STATE_LEAF)
                    mstore(0x20, leafKey)
                    mstore(0x40, leafValue)
                    computed := keccak256(0x1f, 0x41) // The terminal's hash, folded up below.
                }
                if iszero(eq(wantOpening, shr(1, and(flags, HAS_OPENING)))) {
                    failure := add(_UNEXPECTED_OPENING, wantOpening) // or _OPENING_REQUIRED
                    break
                }
                siblings := add(proof.offset, expected)
                bitmap := calldataload(sub(siblings, 0x20))
                // Shifting by 256 (depth 256) leaves zero: every bit is allowed.
                if shl(depth, bitmap) {
                    failure := _BITMAP_BEYOND_DEPTH
                    break
                }
                // The number of siblings is the bitmap's population count, summed in sixteen
                // 16-bit lanes (the total, at most 256, fits the top lane).
                let c := and(shr(1, bitmap), 0x5555555555555555555555555555555555555555555555555555555555555555)
                c := sub(bitmap, c)
                c := add(
                    and(c, 0x3333333333333333333333333333333333333333333333333333333333333333),
                    and(shr(2, c), 0x3333333333333333333333333333333333333333333333333333333333333333)
                )
                c := and(add(c, shr(4, c)), 0x0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f)
                c := and(add(c, shr(8, c)), 0x00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff)
                c := shr(240, mul(c, 0x0001000100010001000100010001000100010001000100010001000100010001))
                expected := add(expected, shl(5, c))
                if iszero(eq(proof.length, expected)) {
                    failure := _PROOF_LENGTH_MISMATCH
                    break
                }
                if iszero(depth) { break }
                if iszero(and(shr(sub(256, depth), bitmap), 1)) {
                    failure := _EMPTY_TERMINAL_SIBLING
                    break
                }
                if iszero(wantOpening) { break }
                // The opening must hash to the deepest sibling, the first one listed.
                let isLeaf := shr(2, flags)
                let b := calldataload(add(proof.offset, 99))
                if and(isLeaf, iszero(b)) {
                    failure := _ZERO_LEAF_VALUE
                    break
                }
                mstore(0x00, sub(STATE_NODE, isLeaf))
                mstore(0x20, calldataload(add(proof.offset, 67)))
                mstore(0x40, b)
                if iszero(eq(keccak256(0x1f, 0x41), calldataload(siblings))) { failure := _OPENING_MISMATCH }
                break
            }
            mstore(0x40, m)
        }
        if (failure != 0) _fail(failure, head, proof.length, expected);
        computed = _fold(key, computed, depth, bitmap, siblings);
    }

    /// @dev Reverts with the well-formedness error `failure` names, given the proof's
    /// first word, its length and its expected length.
    function _fail(uint256 failure, uint256 head, uint256 length, uint256 expected) private pure {
        if (failure == _PROOF_TOO_SHORT) revert ProofTooShort(length);
        if (failure == _DEPTH_TOO_LARGE) revert DepthTooLarge(head >> 240);
        if (failure == _UNKNOWN_FLAGS) revert UnknownFlags(uint8(head >> 232));
        if (failure == _OPENING_KIND_WITHOUT_OPENING) revert OpeningKindWithoutOpening();
        if (failure == _BITMAP_BEYOND_DEPTH) revert BitmapBeyondDepth(head >> 240);
        if (failure == _PROOF_LENGTH_MISMATCH) revert ProofLengthMismatch(expected, length);
        if (failure == _EMPTY_TERMINAL_SIBLING) revert EmptyTerminalSibling();
        if (failure == _ZERO_LEAF_VALUE) revert ZeroLeafValue();
        if (failure == _LEAF_PREFIX_MISMATCH) revert LeafPrefixMismatch();
        if (failure == _OPENING_REQUIRED) revert OpeningRequired();
        if (failure == _UNEXPECTED_OPENING) revert UnexpectedOpening();
        revert OpeningMismatch();
    }

    /// @dev Folds `h`, the hash of the subtree at depth `level` on the path of `key`, up
    /// to the root: one node hash per level, the sibling at depth `j` being read from
    /// calldata at `siblings` if bitmap bit `j - 1` is set, else ZERO. `siblings` is the
    /// calldata offset of the deepest non-zero sibling at or above `level`.
    function _fold(bytes32 key, bytes32 h, uint256 level, uint256 bitmap, uint256 siblings)
        private
        pure
        returns (bytes32 root)
    {
        assembly ("memory-safe") {
            root := h
            if level {
                let m := mload(0x40)
                // The preimage 0x02 || left || right sits at [0x1f, 0x60).
                mstore(0x00, STATE_NODE)
                // Level j reads bit j - 1 (from the top) of the key and of the bitmap,
                // which is bit i = 256 - j from the bottom.
                for { let i := sub(256, level) } 1 {} {
                    // Key bit 0: h is the left child, at 0x20; key bit 1: the right one, at 0x40.
                    let at := add(0x20, shl(5, and(shr(i, key), 1)))
                    mstore(at, root)
                    let present := and(shr(i, bitmap), 1)
                    mstore(xor(at, 0x60), mul(present, calldataload(siblings)))
                    siblings := add(siblings, shl(5, present))
                    root := keccak256(0x1f, 0x41)
                    i := add(i, 1)
                    if eq(i, 256) { break }
                }
                mstore(0x40, m)
            }
        }
    }

    /// @dev The node where `key`'s new leaf (hash `mine`) and the terminal leaf, another
    /// key's, part: its hash, and its depth `p`, the first bit where the two keys differ
    /// (at or below the terminal's depth, by the prefix check).
    function _split(bytes32 key, bytes32 mine, bytes calldata proof)
        private
        pure
        returns (bytes32 node, uint256 p)
    {
        bytes32 otherKey;
        bytes32 other;
        assembly ("memory-safe") {
            otherKey := calldataload(add(proof.offset, 3))
        }
        other = _hash(STATE_LEAF, otherKey, _calldataWord(proof, 35));
        unchecked {
            p = 255 - _msb(uint256(key ^ otherKey));
        }
        node = (uint256(key) >> (255 - p)) & 1 == 0 ? _hash(STATE_NODE, mine, other) : _hash(STATE_NODE, other, mine);
    }

    /// @dev keccak256(tag || a || b) for a one-byte domain tag.
    function _hash(uint256 tag, bytes32 a, bytes32 b) private pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(0x00, tag)
            mstore(0x20, a)
            mstore(0x40, b)
            h := keccak256(0x1f, 0x41)
            mstore(0x40, m)
        }
    }

    /// @dev The 32 bytes of `proof` at `offset` (the caller checked the length).
    function _calldataWord(bytes calldata proof, uint256 offset) private pure returns (bytes32 w) {
        assembly ("memory-safe") {
            w := calldataload(add(proof.offset, offset))
        }
    }

    /// @dev The index of the most significant set bit of `x` (x != 0).
    function _msb(uint256 x) private pure returns (uint256 r) {
        assembly ("memory-safe") {
            r := shl(7, lt(0xffffffffffffffffffffffffffffffff, x))
            r := or(r, shl(6, lt(0xffffffffffffffff, shr(r, x))))
            r := or(r, shl(5, lt(0xffffffff, shr(r, x))))
            r := or(r, shl(4, lt(0xffff, shr(r, x))))
            r := or(r, shl(3, lt(0xff, shr(r, x))))
            r := or(r, shl(2, lt(0xf, shr(r, x))))
            r := or(r, shl(1, lt(0x3, shr(r, x))))
            r := or(r, lt(0x1, shr(r, x)))
        }
    }
}
