// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {HashChains} from "./HashChains.sol";
import {Instruction} from "./Instructions.sol";
import {IntegerOps} from "./IntegerOps.sol";
import {Machine} from "./MachineState.sol";
import {OspConstants as K} from "./OspConstants.sol";
import {Witnesses} from "./Witnesses.sol";

/// @title OneStepProverMath
/// @notice One step of `i32.const`, `i64.const`, `drop`, `select` and every numeric instruction
///         (docs/machine.md, "One-step proof", "Witnesses"): no witness for a constant, `S(1)` for drop and unary
///         operators, `S(2)` for binary ones, `S(3)` for select.
library OneStepProverMath {
    using Witnesses for bytes;

    /// @dev An opcode that is not this family's.
    error NotMathOpcode(uint256 op);

    /// @notice Executes `ins` on `m` (updated in place), reading its witnesses from `proof` at `at`.
    /// @dev Reverts with a custom error on a malformed witness; a trap sets `m.status` and `m.trap`.
    /// @return next the offset after the last witness read
    function execute(Machine memory m, Instruction memory ins, bytes calldata proof, uint256 at)
        internal
        pure
        returns (uint256 next)
    {
        uint256 op = ins.op;
        next = at;
        if (op == 0x41 || op == 0x42) {
            uint256 x = op == 0x41 ? ins.a : (ins.b << 32) | ins.a;
            m.valueStack = HashChains.pushValue(m.valueStack, x);
            m.sp += 1;
        } else if (op == 0x1a) {
            (bytes32 base,, uint256 n) = proof.openStack(at, 1, m.sp, m.valueStack);
            next = n;
            m.valueStack = base;
            m.sp -= 1;
        } else if (op == 0x1b) {
            (bytes32 base, uint256[] memory v, uint256 n) = proof.openStack(at, 3, m.sp, m.valueStack);
            next = n;
            // select: c (an i32: its low half) chooses x if non-zero, y if zero.
            m.valueStack = HashChains.pushValue(base, v[2] & 0xffffffff != 0 ? v[0] : v[1]);
            m.sp -= 2;
        } else if (IntegerOps.isUnary(op)) {
            (bytes32 base, uint256[] memory v, uint256 n) = proof.openStack(at, 1, m.sp, m.valueStack);
            next = n;
            m.valueStack = HashChains.pushValue(base, IntegerOps.unary(op, v[0]));
        } else if (IntegerOps.isBinary(op)) {
            (bytes32 base, uint256[] memory v, uint256 n) = proof.openStack(at, 2, m.sp, m.valueStack);
            next = n;
            (uint256 r, uint256 trap) = IntegerOps.binary(op, v[0], v[1]);
            if (trap != 0) {
                m.status = K.STATUS_TRAPPED;
                m.trap = trap;
                return next;
            }
            m.valueStack = HashChains.pushValue(base, r);
            m.sp -= 1;
        } else {
            revert NotMathOpcode(op);
        }
        m.pc += 1;
        return next;
    }
}
