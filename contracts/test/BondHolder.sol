// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice The challenge manager and rollup calls the holder makes.
interface IBondedGame {
    function startChallenge(bytes32 assertion) external payable returns (uint256 id);
    function withdrawBonds() external;
}

/// @title A contract that holds bonds and refuses ether while `refusing` is set, to test that a failed bond payment
///        reverts and keeps the credit (BondLedger.withdrawBonds).
contract BondHolder {
    /// @dev Ether refused.
    error Refused();

    bool public refusing = true;

    /// @notice Start a challenge from this contract, with the bond sent along.
    function challenge(IBondedGame cm, bytes32 assertion) external payable returns (uint256) {
        return cm.startChallenge{value: msg.value}(assertion);
    }

    /// @notice Withdraw this contract's bonds from `ledger`.
    function withdraw(IBondedGame ledger) external {
        ledger.withdrawBonds();
    }

    /// @notice Accept ether from now on (or refuse it again).
    function setRefusing(bool refusing_) external {
        refusing = refusing_;
    }

    receive() external payable {
        if (refusing) revert Refused();
    }
}
