// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {HashChains} from "./HashChains.sol";
import {Instruction} from "./Instructions.sol";
import {IntegerOps} from "./IntegerOps.sol";
import {Machine} from "./MachineState.sol";
import {OspConstants as K} from "./OspConstants.sol";
import {Witnesses} from "./Witnesses.sol";

/// @title OneStepProverMemory
/// @notice One step of the loads, stores, `memory.size` and `memory.grow` (docs/machine.md, "One-step proof",
///         "Memory access"): the address (and value) from `S(1)` / `S(2)`, then, if the access is in bounds, one
///         `M(0)` opening per 32-byte leaf it touches (two when it straddles a leaf boundary).
library OneStepProverMemory {
    using Witnesses for bytes;

    /// @dev An opcode that is not this family's.
    error NotMemoryOpcode(uint256 op);

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
        if (op == 0x3f) {
            m.valueStack = HashChains.pushValue(m.valueStack, m.memoryPages);
            m.sp += 1;
        } else if (op == 0x40) {
            (bytes32 base, uint256[] memory v, uint256 n) = proof.openStack(at, 1, m.sp, m.valueStack);
            next = n;
            uint256 delta = v[0] & 0xffffffff;
            uint256 old = m.memoryPages;
            // a = the memory's maximum in pages; growth past it returns -1 and changes nothing.
            if (old + delta <= ins.a) {
                m.memoryPages = old + delta;
                m.valueStack = HashChains.pushValue(base, old);
            } else {
                m.valueStack = HashChains.pushValue(base, 0xffffffff);
            }
        } else if (op >= 0x28 && op <= 0x35 && op != 0x2a && op != 0x2b) {
            next = _load(m, ins, proof, at);
            if (m.status != K.STATUS_RUNNING) return next;
        } else if (op >= 0x36 && op <= 0x3e && op != 0x38 && op != 0x39) {
            next = _store(m, ins, proof, at);
            if (m.status != K.STATUS_RUNNING) return next;
        } else {
            revert NotMemoryOpcode(op);
        }
        m.pc += 1;
        return next;
    }

    /// @dev Bytes a load (0x28..0x35) or store (0x36..0x3e) accesses.
    function _width(uint256 op) private pure returns (uint256) {
        if (op == 0x28 || op == 0x34 || op == 0x35 || op == 0x36 || op == 0x3e) return 4;
        if (op == 0x29 || op == 0x37) return 8;
        if (op == 0x2c || op == 0x2d || op == 0x30 || op == 0x31 || op == 0x3a || op == 0x3c) return 1;
        return 2;
    }

    /// @dev The effective address of an access of `width` bytes at `address + offset`, or traps the machine
    ///      `out of bounds memory access` (returning false).
    function _inBounds(Machine memory m, uint256 ea, uint256 width) private pure returns (bool) {
        if (ea + width > m.memoryPages * K.PAGE_BYTES) {
            m.status = K.STATUS_TRAPPED;
            m.trap = K.TRAP_OUT_OF_BOUNDS;
            return false;
        }
        return true;
    }

    /// @dev A load: S(1) (the address), then the leaf or two leaves it reads; replaces the address by the value.
    function _load(Machine memory m, Instruction memory ins, bytes calldata proof, uint256 at)
        private
        pure
        returns (uint256 next)
    {
        bytes32 base;
        uint256 ea;
        {
            uint256[] memory v;
            (base, v, next) = proof.openStack(at, 1, m.sp, m.valueStack);
            ea = (v[0] & 0xffffffff) + ins.a;
        }
        uint256 op = ins.op;
        uint256 width = _width(op);
        if (!_inBounds(m, ea, width)) return next;
        bytes32 first;
        bytes32 second;
        (first, next) = proof.openLeaf(next, ea >> 5, m.memoryRoot);
        if ((ea + width - 1) >> 5 != ea >> 5) (second, next) = proof.openLeaf(next, (ea >> 5) + 1, m.memoryRoot);
        uint256 x = _readLE(first, second, ea & 31, width);
        // Sign extension as the opcode says; unsigned loads keep the zero-extended bytes.
        if (op == 0x2c || op == 0x30) x = uint256(IntegerOps.signExtend(x, 8));
        else if (op == 0x2e || op == 0x32) x = uint256(IntegerOps.signExtend(x, 16));
        else if (op == 0x34) x = uint256(IntegerOps.signExtend(x, 32));
        // i32 results are zero-extended to the slot, i64 results keep 64 bits.
        x &= op <= 0x2f && op != 0x29 ? 0xffffffff : 0xffffffffffffffff;
        m.valueStack = HashChains.pushValue(base, x);
    }

    /// @dev A store: S(2) (address, value), then the leaf it writes and, when it straddles, the next one, opened
    ///      against the root after the first write.
    function _store(Machine memory m, Instruction memory ins, bytes calldata proof, uint256 at)
        private
        pure
        returns (uint256 next)
    {
        uint256 ea;
        uint256 value;
        {
            bytes32 base;
            uint256[] memory v;
            (base, v, next) = proof.openStack(at, 2, m.sp, m.valueStack);
            ea = (v[0] & 0xffffffff) + ins.a;
            value = v[1];
            m.valueStack = base;
            m.sp -= 2;
        }
        uint256 width = _width(ins.op);
        if (!_inBounds(m, ea, width)) return next;
        // The first leaf: bytes ea & 31 .. min(ea & 31 + width, 32) - 1.
        uint256 inFirst = (ea & 31) + width > 32 ? 32 - (ea & 31) : width;
        bytes32 leaf;
        uint256 opening = next;
        (leaf, next) = proof.openLeaf(opening, ea >> 5, m.memoryRoot);
        m.memoryRoot = proof.memoryRootWithLeaf(opening, ea >> 5, _writeLE(leaf, ea & 31, value, inFirst));
        if (inFirst < width) {
            // The second leaf, opened against the root after the first write, gets the remaining bytes.
            opening = next;
            (leaf, next) = proof.openLeaf(opening, (ea >> 5) + 1, m.memoryRoot);
            m.memoryRoot = proof.memoryRootWithLeaf(
                opening, (ea >> 5) + 1, _writeLE(leaf, 0, value >> (8 * inFirst), width - inFirst)
            );
        }
    }

    /// @dev The little-endian integer of `width` bytes starting at byte `offset` of `a || b` (64 bytes).
    function _readLE(bytes32 a, bytes32 b, uint256 offset, uint256 width) private pure returns (uint256 x) {
        for (uint256 k = 0; k < width; k++) {
            uint256 i = offset + k;
            uint256 byteValue = i < 32 ? uint8(a[i]) : uint8(b[i - 32]);
            x |= byteValue << (8 * k);
        }
    }

    /// @dev `leaf` with bytes `offset .. offset + count - 1` set to the low `count` bytes of `value`, little-endian.
    function _writeLE(bytes32 leaf, uint256 offset, uint256 value, uint256 count) private pure returns (bytes32) {
        uint256 w = uint256(leaf);
        for (uint256 k = 0; k < count; k++) {
            uint256 shift = 8 * (31 - (offset + k));
            w = (w & ~(uint256(0xff) << shift)) | (((value >> (8 * k)) & 0xff) << shift);
        }
        return bytes32(w);
    }
}
