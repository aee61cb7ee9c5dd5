// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SparseMerkle} from "../state/SparseMerkle.sol";
import {Bridge} from "./Bridge.sol";
import {Rollup} from "./Rollup.sol";

/// @title The outbox: pays L2 withdrawals once their assertion is confirmed.
/// @notice The engine records withdrawal i in its own state (docs/engine.md, "Outbox"): the state-tree slot of
///         logical key 0x0c || 0 (7) || i (u64) || 0 (16) holds recipient (20) || amount (u64) || 0 (4), written
///         once and never rewritten. A claim proves that slot against a confirmed assertion's state root with a
///         state-tree proof (docs/protocol.md, "Outbox"), so any confirmed assertion at or after the withdrawal
///         proves it, and nothing but the state root is trusted. Anyone may claim; the collateral goes to the
///         recipient the engine recorded.
/// @dev Invariant: each index is paid at most once; it is marked spent before the bridge transfers anything.
contract Outbox {
    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @dev The assertion is not confirmed.
    error AssertionNotConfirmed(bytes32 assertion);
    /// @dev The withdrawal at this index was already paid.
    error AlreadyClaimed(uint64 index);
    /// @dev The state root holds no withdrawal at this index (the proof shows its slot empty).
    error NoSuchWithdrawal(uint64 index);

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Withdrawal `index` paid `amount` to `recipient`, proven against `assertion`'s state root.
    event WithdrawalClaimed(uint256 indexed index, address indexed recipient, uint256 amount, bytes32 assertion);

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @notice The engine's key tag of outbox entries (docs/engine.md, "State layout").
    uint8 public constant OUTBOX_KEY_TAG = 0x0c;

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

    /// @notice Pay withdrawal `index`, proven by the state-tree proof `stateProof` of its slot against the state
    ///         root of the confirmed `assertion`.
    function claim(bytes32 assertion, uint64 index, bytes calldata stateProof) external {
        Rollup.Assertion memory a = rollup.getAssertion(assertion);
        if (a.status != Rollup.Status.Confirmed) revert AssertionNotConfirmed(assertion);
        bytes32 entry = SparseMerkle.read(a.stateRoot, withdrawalKey(index), stateProof);
        if (entry == 0) revert NoSuchWithdrawal(index);
        address recipient = address(bytes20(entry));
        uint256 amount = uint64(uint256(entry) >> 32);
        uint256 bit = uint256(1) << (index & 255);
        uint256 word = spentWords[index >> 8];
        if (word & bit != 0) revert AlreadyClaimed(index);
        spentWords[index >> 8] = word | bit;
        emit WithdrawalClaimed(index, recipient, amount, assertion);
        bridge.release(recipient, amount);
    }

    /// @notice Whether withdrawal `index` was paid.
    function isClaimed(uint64 index) external view returns (bool) {
        return spentWords[index >> 8] & (uint256(1) << (index & 255)) != 0;
    }

    /// @notice The state-tree key of withdrawal `index`: keccak(0x03 || 0x0c || 0 (7) || index (u64) || 0 (16)).
    function withdrawalKey(uint64 index) public pure returns (bytes32) {
        return keccak256(abi.encodePacked(uint8(0x03), OUTBOX_KEY_TAG, bytes7(0), index, bytes16(0)));
    }
}
