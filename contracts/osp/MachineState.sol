// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {OspConstants as K} from "./OspConstants.sol";

/// @notice The machine state as a one-step proof opens it: the registers of the status word and the part hashes
///         (docs/machine.md, "Machine state hash"). Registers are u32 (`status` and `trap` u8) kept in full words.
struct Machine {
    uint256 status;
    uint256 trap;
    /// @dev The next instruction; 0xffffffff once the outermost frame has returned.
    uint256 pc;
    /// @dev Values on the value stack.
    uint256 sp;
    /// @dev The current frame's first local, in values.
    uint256 fp;
    /// @dev Reserved values (sum of the active frames' a + b + c).
    uint256 used;
    /// @dev Frames on the frame stack.
    uint256 depth;
    /// @dev Memory size, in pages.
    uint256 memoryPages;
    /// @dev Table size, in entries.
    uint256 tableSize;
    /// @dev The engine's code of a trap `revert` (status word bytes 2-5 of a reverted machine), else 0.
    uint256 revertCode;
    bytes32 valueStack;
    bytes32 frameStack;
    bytes32 globalsRoot;
    bytes32 memoryRoot;
    bytes32 codeRoot;
    bytes32 tableRoot;
    bytes32 globalStateHash;
}

/// @notice The global-state inputs and gas left, the preimage of `globalStateHash`.
struct GlobalState {
    bytes32 stateRoot;
    bytes32 inputHash;
    /// @dev timestamp (u64) || L2 block number (u64) || origin (u64) || 8 zero bytes.
    bytes32 batchContext;
    /// @dev Gas left (u64).
    uint256 gas;
}

/// @title MachineState
/// @notice The status word, the machine-state hash and the global-state hash, exactly as docs/machine.md lays them
///         out (the Solidity twin of `vm/machineHash.ts`).
library MachineState {
    /// @dev A status word with non-zero bytes 30-31, a status above 3, a trap code on a running or halted machine,
    ///      or a register of a stopped machine set.
    error MalformedStatusWord(bytes32 word);
    /// @dev A gas word with a non-zero byte above its u64 (bytes 0-23).
    error MalformedGasWord(bytes32 word);

    /// @notice The status word: status (1) || trap (1) || pc || sp || fp || used || depth || memory pages || table
    ///         size (4 each) || 2 zero bytes, big-endian. A trapped or out-of-gas machine keeps bytes 0-1 only, and
    ///         bytes 2-5 = the code of a trap `revert`.
    function statusWord(Machine memory m) internal pure returns (bytes32 w) {
        if (m.status >= K.STATUS_TRAPPED) {
            uint256 code = m.trap == K.TRAP_REVERT ? (m.revertCode & 0xffffffff) << 208 : 0;
            return bytes32((m.status << 248) | (m.trap << 240) | code);
        }
        return bytes32(
            (m.status << 248) | (m.trap << 240) | (m.pc << 208) | (m.sp << 176) | (m.fp << 144) | (m.used << 112)
                | (m.depth << 80) | (m.memoryPages << 48) | (m.tableSize << 16)
        );
    }

    /// @notice Fills the registers of `m` from a status word (the part hashes are left as they are).
    /// @dev Reverts with {MalformedStatusWord} if the word is not one {statusWord} can produce.
    function setStatusWord(Machine memory m, bytes32 word) internal pure {
        uint256 w = uint256(word);
        uint256 status = w >> 248;
        if (status > K.STATUS_OUT_OF_GAS || (w & 0xffff) != 0) revert MalformedStatusWord(word);
        if (status >= K.STATUS_TRAPPED) {
            uint256 trap = (w >> 240) & 0xff;
            uint256 kept = trap == K.TRAP_REVERT ? w << 48 : w << 16;
            if (kept != 0) revert MalformedStatusWord(word);
            m.status = status;
            m.trap = trap;
            if (trap == K.TRAP_REVERT) m.revertCode = (w >> 208) & 0xffffffff;
            return;
        }
        // A running or halted machine has no trap code: byte 1 is reserved zero.
        if (((w >> 240) & 0xff) != 0) revert MalformedStatusWord(word);
        m.status = status;
        m.pc = (w >> 208) & 0xffffffff;
        m.sp = (w >> 176) & 0xffffffff;
        m.fp = (w >> 144) & 0xffffffff;
        m.used = (w >> 112) & 0xffffffff;
        m.depth = (w >> 80) & 0xffffffff;
        m.memoryPages = (w >> 48) & 0xffffffff;
        m.tableSize = (w >> 16) & 0xffffffff;
    }

    /// @notice Reverts unless the status word and the gas word are encodings the machine produces (one hash per
    ///         state): every rule of {setStatusWord}, and a gas word that is a u64 (bytes 0-23 zero).
    /// @return gas the gas left
    function requireCanonical(bytes32 statusWord_, bytes32 gasWord) internal pure returns (uint256 gas) {
        Machine memory m;
        setStatusWord(m, statusWord_);
        gas = uint256(gasWord);
        if ((gas >> 64) != 0) revert MalformedGasWord(gasWord);
    }

    /// @notice keccak(0x10 || statusWord || valueStack || frameStack || globalsRoot || memoryRoot || codeRoot ||
    ///         tableRoot || globalStateHash) (257 bytes); a trapped or out-of-gas machine hashes zero words for all
    ///         parts but the global state.
    function hash(Machine memory m) internal pure returns (bytes32 h) {
        bytes32 word = statusWord(m);
        bool live = m.status < K.STATUS_TRAPPED;
        bytes32[7] memory parts;
        if (live) {
            parts[0] = m.valueStack;
            parts[1] = m.frameStack;
            parts[2] = m.globalsRoot;
            parts[3] = m.memoryRoot;
            parts[4] = m.codeRoot;
            parts[5] = m.tableRoot;
        }
        parts[6] = m.globalStateHash;
        uint256 tag = K.MACHINE_STATE;
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore8(p, tag)
            mstore(add(p, 1), word)
            mcopy(add(p, 33), parts, 224)
            h := keccak256(p, 257)
        }
    }

    /// @notice keccak(0x17 || stateRoot || inputHash || batchContext || gasWord) (129 bytes), gasWord = gas as u256.
    function hash(GlobalState memory g) internal pure returns (bytes32 h) {
        bytes32 a = g.stateRoot;
        bytes32 b = g.inputHash;
        bytes32 c = g.batchContext;
        uint256 gasLeft = g.gas;
        uint256 tag = K.GLOBAL_STATE;
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore8(p, tag)
            mstore(add(p, 1), a)
            mstore(add(p, 33), b)
            mstore(add(p, 65), c)
            mstore(add(p, 97), gasLeft)
            h := keccak256(p, 129)
        }
    }
}
