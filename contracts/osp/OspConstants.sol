// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title OspConstants
/// @notice The machine parameters the one-step prover needs, in one place: domain tags (protocol/domain.ts,
///         docs/protocol.md "Hash domains"), tree depths (vm/machineHash.ts) and limits (vm/params.ts). Every value
///         here must equal its TypeScript twin; test/osp.lib.test.ts checks them against the TypeScript.
library OspConstants {
    // ---------------------------------------------------------------- domain tags (one byte, protocol/domain.ts)

    /// @dev keccak(0x10 || status word || 7 part hashes): the machine-state hash.
    uint256 internal constant MACHINE_STATE = 0x10;
    /// @dev keccak(0x11 || hash below || value word): one value-stack link.
    uint256 internal constant VALUE_STACK = 0x11;
    /// @dev keccak(0x12 || hash below || frame word): one frame-stack link.
    uint256 internal constant FRAME_STACK = 0x12;
    /// @dev A node of the memory tree.
    uint256 internal constant MEMORY_NODE = 0x13;
    /// @dev A node of the code tree.
    uint256 internal constant CODE_NODE = 0x14;
    /// @dev A node of the globals tree.
    uint256 internal constant GLOBALS_NODE = 0x15;
    /// @dev A node of the table tree.
    uint256 internal constant TABLE_NODE = 0x16;
    /// @dev keccak(0x17 || state root || input hash || batch context || gas word): the global state.
    uint256 internal constant GLOBAL_STATE = 0x17;

    // ---------------------------------------------------------------- tree depths (levels above the leaves)

    /// @dev 2^19 leaves of 32 bytes = MAX_MEMORY_PAGES pages of 64 KiB.
    uint256 internal constant MEMORY_DEPTH = 19;
    /// @dev 2^22 = MAX_CODE_LENGTH instructions.
    uint256 internal constant CODE_DEPTH = 22;
    /// @dev 2^16 = MAX_GLOBALS.
    uint256 internal constant GLOBALS_DEPTH = 16;
    /// @dev 2^16 = MAX_TABLE_SIZE.
    uint256 internal constant TABLE_DEPTH = 16;

    // ---------------------------------------------------------------- limits (vm/params.ts)

    /// @dev Largest memory, in 64 KiB pages.
    uint256 internal constant MAX_MEMORY_PAGES = 256;
    /// @dev Bytes per memory page.
    uint256 internal constant PAGE_BYTES = 65_536;
    /// @dev Deepest value stack, in values (sum of the active frames' reservations).
    uint256 internal constant MAX_VALUE_STACK = 65_536;
    /// @dev Deepest call stack, in frames.
    uint256 internal constant MAX_CALL_DEPTH = 2_048;

    // ---------------------------------------------------------------- status (byte 0 of the status word)

    /// @dev The machine executes its next instruction.
    uint256 internal constant STATUS_RUNNING = 0;
    /// @dev The outermost frame returned (or no call started yet).
    uint256 internal constant STATUS_HALTED = 1;
    /// @dev A trap stopped the machine.
    uint256 internal constant STATUS_TRAPPED = 2;
    /// @dev A block's gas charge could not be paid.
    uint256 internal constant STATUS_OUT_OF_GAS = 3;

    // ---------------------------------------------------------------- trap codes (index in TRAPS, vm/Trap.ts)

    uint256 internal constant TRAP_UNREACHABLE = 0;
    uint256 internal constant TRAP_DIVIDE_BY_ZERO = 1;
    uint256 internal constant TRAP_INTEGER_OVERFLOW = 2;
    uint256 internal constant TRAP_OUT_OF_BOUNDS = 3;
    uint256 internal constant TRAP_UNDEFINED_ELEMENT = 4;
    uint256 internal constant TRAP_UNINITIALIZED_ELEMENT = 5;
    uint256 internal constant TRAP_SIGNATURE_MISMATCH = 6;
    uint256 internal constant TRAP_STACK_EXHAUSTED = 7;
    uint256 internal constant TRAP_OUT_OF_GAS = 8;
    uint256 internal constant TRAP_HOST = 9;
    uint256 internal constant TRAP_OUT_OF_PROFILE = 10;
    /// @dev The engine called `optio.revert`; the status word keeps its code in bytes 2-5.
    uint256 internal constant TRAP_REVERT = 12;
}
