// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestToken} from "./TestToken.sol";

/// @title A token that calls back into a target during every transfer, to test reentrancy defences.
/// @notice The test arms it with a target and calldata; the callback's outcome is recorded, not propagated, so a
///         test can check that the reentrant call failed while the outer call went on.
contract ReentrantToken is TestToken {
    address public target;
    bytes public payload;
    bool public armed;
    bool public lastReentrySucceeded;
    uint256 public reentries;

    /// @notice Call `target` with `data` on the next transfer (once).
    function arm(address target_, bytes calldata data) external {
        target = target_;
        payload = data;
        armed = true;
    }

    /// @notice Let `spender` move this contract's own tokens, so that a re-entrant deposit made from here would
    ///         succeed but for the target's own defences.
    function approveAsSelf(address spender, uint256 amount) external {
        allowance[address(this)][spender] = amount;
    }

    function transfer(address to, uint256 amount) public override returns (bool) {
        _reenter();
        return super.transfer(to, amount);
    }

    function transferFrom(address from, address to, uint256 amount) public override returns (bool) {
        _reenter();
        return super.transferFrom(from, to, amount);
    }

    function _reenter() internal {
        if (!armed) return;
        armed = false;
        reentries++;
        (lastReentrySucceeded,) = target.call(payload);
    }
}
