// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BatchMerkle} from "./BatchMerkle.sol";
import {Bridge} from "./Bridge.sol";
import {RollupHashes} from "./RollupHashes.sol";
import {Rollup} from "./Rollup.sol";

/// @title The outbox: pays L2 withdrawals once their assertion is confirmed.
/// @notice L2 appends every withdrawal to one tree for the chain's whole life (depth 32, tag 0x0a, leaf
///         keccak(0x09 || recipient || amount), docs/protocol.md "Outbox"), so a withdrawal has one index forever
///         and any confirmed assertion's outbox root proves it. Anyone may claim; the collateral goes to the
///         recipient.
/// @dev Invariant: each index is paid at most once; it is marked spent before the bridge transfers anything.
contract Outbox {
    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @dev The assertion is not confirmed.
    error AssertionNotConfirmed(bytes32 assertion);
    /// @dev The withdrawal at this index was already paid.
    error AlreadyClaimed(uint256 index);
    /// @dev The proof does not lead to the assertion's outbox root.
    error InvalidWithdrawalProof(uint256 index);
    /// @dev A proof with the wrong number of siblings, or an index past the tree.
    error MalformedWithdrawalProof(uint256 index, uint256 siblings);

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Withdrawal `index` paid `amount` to `recipient`, proven against `assertion`'s outbox root.
    event WithdrawalClaimed(uint256 indexed index, address indexed recipient, uint256 amount, bytes32 assertion);

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @notice Depth of the withdrawal tree: 2^32 withdrawals over the chain's life.
    uint256 public constant TREE_DEPTH = 32;

    Rollup public immutable rollup;
    Bridge public immutable bridge;
    /// @dev Bit i % 256 of word i / 256 is set once withdrawal i is paid.
    mapping(uint256 => uint256) internal spentWords;

    constructor(Rollup rollup_, Bridge bridge_) {
        rollup = rollup_;
        bridge = bridge_;
    }

    /*//////////////////////////////////////////////////////////////
                               OPERATIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Pay withdrawal `index` (`amount` to `recipient`), proven by `siblings` (leaf level first) against
    ///         the outbox root of the confirmed `assertion`.
    function claim(bytes32 assertion, uint256 index, address recipient, uint256 amount, bytes32[] calldata siblings)
        external
    {
        Rollup.Assertion memory a = rollup.getAssertion(assertion);
        if (a.status != Rollup.Status.Confirmed) revert AssertionNotConfirmed(assertion);
        if (siblings.length != TREE_DEPTH || index >> TREE_DEPTH != 0) {
            revert MalformedWithdrawalProof(index, siblings.length);
        }
        bytes32 leaf = RollupHashes.withdrawalLeaf(recipient, amount);
        if (BatchMerkle.rootFromProof(RollupHashes.OUTBOX_NODE, leaf, index, siblings) != a.outboxRoot) {
            revert InvalidWithdrawalProof(index);
        }
        uint256 bit = uint256(1) << (index & 255);
        uint256 word = spentWords[index >> 8];
        if (word & bit != 0) revert AlreadyClaimed(index);
        spentWords[index >> 8] = word | bit;
        emit WithdrawalClaimed(index, recipient, amount, assertion);
        bridge.release(recipient, amount);
    }

    /// @notice Whether withdrawal `index` was paid.
    function isClaimed(uint256 index) external view returns (bool) {
        return spentWords[index >> 8] & (uint256(1) << (index & 255)) != 0;
    }
}
