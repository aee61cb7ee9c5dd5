// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Frame, HashChains} from "./HashChains.sol";
import {Instruction} from "./Instructions.sol";
import {Machine} from "./MachineState.sol";
import {OspConstants as K} from "./OspConstants.sol";
import {Witnesses} from "./Witnesses.sol";

/// @title OneStepProverControl
/// @notice One step of the control instructions that stay inside the module (`unreachable`, `stub`, `enter`, `br`,
///         `br_if`, `br_unless`, `br_table`, `return`, `call`) and of the variable instructions (`local.get/set/tee`,
///         `global.get/set`), as docs/machine.md "One-step proof" fixes their witnesses.
library OneStepProverControl {
    using Witnesses for bytes;

    /// @dev An opcode that is not this family's.
    error NotControlOpcode(uint256 op);
    /// @dev A local index at or above the top of the stack, or a return whose results or frame do not fit.
    error MalformedFrameAccess();

    /// @dev Return pc of the outermost frame (returning through it halts the machine), and a table slot's entry pc
    ///      for an imported function.
    uint256 private constant _OUTERMOST = 0xffffffff;

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
        if (op == 0x00 || op == 0xff) {
            m.status = K.STATUS_TRAPPED;
            m.trap = op == 0x00 ? K.TRAP_UNREACHABLE : K.TRAP_OUT_OF_PROFILE;
        } else if (op == 0x01) {
            _enter(m, ins);
        } else if (op == 0x0c) {
            next = _br(m, ins, proof, at);
        } else if (op == 0x0d) {
            next = _brIf(m, ins, proof, at);
        } else if (op == 0x04 || op == 0x0e) {
            (bytes32 base, uint256[] memory v, uint256 n) = proof.openStack(at, 1, m.sp, m.valueStack);
            next = n;
            m.valueStack = base;
            m.sp -= 1;
            uint256 i = v[0] & 0xffffffff;
            if (op == 0x04) m.pc = i == 0 ? ins.a : m.pc + 1; // br_unless
            else m.pc = m.pc + 1 + (i < ins.a ? i : ins.a); // br_table
        } else if (op == 0x0f) {
            next = _return(m, ins, proof, at);
        } else if (op == 0x10) {
            if (m.depth >= K.MAX_CALL_DEPTH) {
                m.status = K.STATUS_TRAPPED;
                m.trap = K.TRAP_STACK_EXHAUSTED;
            } else {
                m.frameStack = HashChains.pushFrame(m.frameStack, Frame(m.pc + 1, m.fp, m.used));
                m.depth += 1;
                m.pc = ins.a;
            }
        } else if (op >= 0x20 && op <= 0x22) {
            next = _local(m, ins, proof, at);
        } else if (op == 0x23 || op == 0x24) {
            next = _global(m, ins, proof, at);
        } else {
            revert NotControlOpcode(op);
        }
        return next;
    }

    /// @notice call_indirect a to a module function: `S(1)` (the index), `T` if the index is in the table, the
    ///         checks (bounds, empty slot, signature), then `call` to the slot's entry pc. A slot holding an import
    ///         is a host call, which the host I/O contract proves: then `host` is true and `m` is unchanged.
    /// @return next the offset after the last witness read (0 when `host`)
    /// @return host whether the slot is an imported (host) function
    function callIndirect(Machine memory m, Instruction memory ins, bytes calldata proof, uint256 at)
        internal
        pure
        returns (uint256 next, bool host)
    {
        bytes32 base;
        uint256 i;
        {
            uint256[] memory v;
            (base, v, next) = proof.openStack(at, 1, m.sp, m.valueStack);
            i = v[0] & 0xffffffff;
        }
        if (i >= m.tableSize) return (next, _trap(m, K.TRAP_UNDEFINED_ELEMENT));
        bytes32 leaf;
        (leaf, next) = proof.openTable(next, i, m.tableRoot);
        if (leaf == 0) return (next, _trap(m, K.TRAP_UNINITIALIZED_ELEMENT));
        // Slot: 0x01 || function index (4) || signature id (4) || entry pc (4) || host id (1) || zeros.
        if ((uint256(leaf) >> 184) & 0xffffffff != ins.a) return (next, _trap(m, K.TRAP_SIGNATURE_MISMATCH));
        if ((uint256(leaf) >> 152) & 0xffffffff == _OUTERMOST) return (0, true);
        if (m.depth >= K.MAX_CALL_DEPTH) return (next, _trap(m, K.TRAP_STACK_EXHAUSTED));
        m.valueStack = base;
        m.sp -= 1;
        _pushCall(m, (uint256(leaf) >> 152) & 0xffffffff);
    }

    /// @dev Pushes the frame (pc + 1, fp, used) and jumps to `target` (the depth was checked).
    function _pushCall(Machine memory m, uint256 target) private pure {
        m.frameStack = HashChains.pushFrame(m.frameStack, Frame(m.pc + 1, m.fp, m.used));
        m.depth += 1;
        m.pc = target;
    }

    /// @dev Stops the machine with trap `code`; returns false (not a host call) for {callIndirect}.
    function _trap(Machine memory m, uint256 code) private pure returns (bool) {
        m.status = K.STATUS_TRAPPED;
        m.trap = code;
        return false;
    }

    /// @dev enter a b c: reserve a + b + c values, frame base = sp - a, push b zero locals.
    function _enter(Machine memory m, Instruction memory ins) private pure {
        uint256 used = m.used + ins.a + ins.b + ins.c;
        if (used > K.MAX_VALUE_STACK) {
            m.status = K.STATUS_TRAPPED;
            m.trap = K.TRAP_STACK_EXHAUSTED;
            return;
        }
        if (ins.a > m.sp) revert MalformedFrameAccess();
        m.used = used;
        m.fp = m.sp - ins.a;
        m.valueStack = Witnesses.pushZeros(m.valueStack, ins.b);
        m.sp += ins.b;
        m.pc += 1;
    }

    /// @dev br a b c: keep the top b values, drop the c below them, jump to a. S(b + c) only if c > 0.
    function _br(Machine memory m, Instruction memory ins, bytes calldata proof, uint256 at)
        private
        pure
        returns (uint256 next)
    {
        next = at;
        if (ins.c > 0) {
            uint256 k = ins.b + ins.c;
            (bytes32 base, uint256[] memory v, uint256 n) = proof.openStack(at, k, m.sp, m.valueStack);
            next = n;
            m.valueStack = Witnesses.fold(base, v, ins.c, k);
            m.sp -= ins.c;
        }
        m.pc = ins.a;
    }

    /// @dev br_if a b c: pop the condition; if not zero, br. S(1) if c = 0, else S(1 + b + c).
    function _brIf(Machine memory m, Instruction memory ins, bytes calldata proof, uint256 at)
        private
        pure
        returns (uint256 next)
    {
        uint256 k = ins.c == 0 ? 1 : 1 + ins.b + ins.c;
        (bytes32 base, uint256[] memory v, uint256 n) = proof.openStack(at, k, m.sp, m.valueStack);
        next = n;
        bool taken = v[k - 1] & 0xffffffff != 0;
        if (!taken) {
            m.valueStack = k == 1 ? base : Witnesses.fold(base, v, 0, k - 1);
            m.sp -= 1;
            m.pc += 1;
            return next;
        }
        if (k == 1) {
            m.valueStack = base;
            m.sp -= 1;
        } else {
            m.valueStack = Witnesses.fold(base, v, ins.c, k - 1);
            m.sp -= 1 + ins.c;
        }
        m.pc = ins.a;
    }

    /// @dev return a: keep the top a values at fp, pop the frame. S(sp - fp) then F.
    function _return(Machine memory m, Instruction memory ins, bytes calldata proof, uint256 at)
        private
        pure
        returns (uint256 next)
    {
        if (m.sp < m.fp || ins.a > m.sp - m.fp) revert MalformedFrameAccess();
        uint256 k = m.sp - m.fp;
        (bytes32 base, uint256[] memory v, uint256 n) = proof.openStack(at, k, m.sp, m.valueStack);
        (bytes32 below, Frame memory f, uint256 n2) = proof.openFrame(n, m.depth, m.frameStack);
        next = n2;
        m.valueStack = Witnesses.fold(base, v, k - ins.a, k);
        m.sp = m.fp + ins.a;
        m.frameStack = below;
        m.depth -= 1;
        m.pc = f.returnPc;
        m.fp = f.callerFp;
        m.used = f.used;
        if (f.returnPc == _OUTERMOST) m.status = K.STATUS_HALTED;
    }

    /// @dev local.get/set/tee a: S(sp - fp - a), whose first value is the local.
    function _local(Machine memory m, Instruction memory ins, bytes calldata proof, uint256 at)
        private
        pure
        returns (uint256 next)
    {
        // The local lies below the top; set and tee also need a value above it.
        uint256 op = ins.op;
        if (m.sp < m.fp + ins.a + (op == 0x20 ? 1 : 2)) revert MalformedFrameAccess();
        uint256 k = m.sp - m.fp - ins.a;
        (bytes32 base, uint256[] memory v, uint256 n) = proof.openStack(at, k, m.sp, m.valueStack);
        next = n;
        if (op == 0x20) {
            m.valueStack = HashChains.pushValue(m.valueStack, v[0]);
            m.sp += 1;
        } else {
            // set and tee: the local takes the top value; set then drops the top.
            v[0] = v[k - 1];
            m.valueStack = Witnesses.fold(base, v, 0, op == 0x21 ? k - 1 : k);
            if (op == 0x21) m.sp -= 1;
        }
        m.pc += 1;
    }

    /// @dev global.get a: G. global.set a: S(1) then G.
    function _global(Machine memory m, Instruction memory ins, bytes calldata proof, uint256 at)
        private
        pure
        returns (uint256 next)
    {
        if (ins.op == 0x23) {
            (uint256 value,, uint256 n) = proof.openGlobal(at, ins.a, m.globalsRoot);
            next = n;
            m.valueStack = HashChains.pushValue(m.valueStack, value);
            m.sp += 1;
        } else {
            (bytes32 base, uint256[] memory v, uint256 n) = proof.openStack(at, 1, m.sp, m.valueStack);
            (, uint256 siblings, uint256 n2) = proof.openGlobal(n, ins.a, m.globalsRoot);
            next = n2;
            m.globalsRoot = Witnesses.globalsRootWith(proof, siblings, ins.a, v[0]);
            m.valueStack = base;
            m.sp -= 1;
        }
        m.pc += 1;
    }
}
