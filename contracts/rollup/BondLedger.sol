// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Bonds owed to accounts, paid out by pull.
/// @notice The rollup and the challenge manager credit bonds here when an assertion or a challenge settles; an
///         account withdraws everything credited to it in one call. Crediting never sends ether, so a settlement
///         cannot be blocked by a recipient that refuses payment.
abstract contract BondLedger {
    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @dev Nothing to withdraw.
    error NothingToWithdraw();
    /// @dev Sending the bonds failed.
    error PaymentFailed();

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice `amount` wei became withdrawable by `account`.
    event BondCredited(address indexed account, uint256 amount);
    /// @notice `account` withdrew `amount` wei of bonds.
    event BondsWithdrawn(address indexed account, uint256 amount);

    /*//////////////////////////////////////////////////////////////
                                 STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @notice Wei each account can withdraw.
    mapping(address => uint256) public withdrawable;

    /*//////////////////////////////////////////////////////////////
                               OPERATIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Withdraw every bond credited to the sender.
    function withdrawBonds() external {
        uint256 amount = withdrawable[msg.sender];
        if (amount == 0) revert NothingToWithdraw();
        withdrawable[msg.sender] = 0;
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert PaymentFailed();
        emit BondsWithdrawn(msg.sender, amount);
    }

    function _credit(address account, uint256 amount) internal {
        withdrawable[account] += amount;
        emit BondCredited(account, amount);
    }
}
