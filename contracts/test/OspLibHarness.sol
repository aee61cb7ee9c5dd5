// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {FixedMerkle} from "../osp/FixedMerkle.sol";
import {Frame, HashChains} from "../osp/HashChains.sol";
import {Instruction, Instructions} from "../osp/Instructions.sol";
import {IntegerOps} from "../osp/IntegerOps.sol";
import {GlobalState, Machine, MachineState} from "../osp/MachineState.sol";
import {OspConstants as K} from "../osp/OspConstants.sol";

/// @title OspLibHarness
/// @notice Exposes the one-step prover's libraries to tests, batched so that thousands of cases cost a few calls.
/// @dev Test-only; not part of the protocol.
contract OspLibHarness {
    /// @notice {IntegerOps.binary} or {IntegerOps.unary} (by the opcode) on each (op, x, y).
    /// @return results the result words
    /// @return traps the trap codes (0 for none)
    function numericMany(uint8[] calldata ops, uint64[] calldata xs, uint64[] calldata ys)
        external
        pure
        returns (uint64[] memory results, uint8[] memory traps)
    {
        results = new uint64[](ops.length);
        traps = new uint8[](ops.length);
        for (uint256 i = 0; i < ops.length; i++) {
            uint256 op = ops[i];
            uint256 r;
            uint256 t;
            if (IntegerOps.isUnary(op)) r = IntegerOps.unary(op, xs[i]);
            else if (IntegerOps.isBinary(op)) (r, t) = IntegerOps.binary(op, xs[i], ys[i]);
            else revert("not numeric");
            results[i] = uint64(r);
            traps[i] = uint8(t);
        }
    }

    /// @notice Which opcodes 0..255 are unary / binary numeric instructions, as bitmaps (bit op).
    function numericOpcodes() external pure returns (uint256 unary, uint256 binary) {
        for (uint256 op = 0; op < 256; op++) {
            if (IntegerOps.isUnary(op)) unary |= 1 << op;
            if (IntegerOps.isBinary(op)) binary |= 1 << op;
        }
    }

    /// @notice {MachineState.hash} of a machine given as its status word and seven part hashes.
    function machineHash(bytes32 statusWord, bytes32[7] calldata parts) external pure returns (bytes32) {
        Machine memory m;
        MachineState.setStatusWord(m, statusWord);
        m.valueStack = parts[0];
        m.frameStack = parts[1];
        m.globalsRoot = parts[2];
        m.memoryRoot = parts[3];
        m.codeRoot = parts[4];
        m.tableRoot = parts[5];
        m.globalStateHash = parts[6];
        return MachineState.hash(m);
    }

    /// @notice {MachineState.hash} of a global state.
    function globalStateHash(bytes32 stateRoot, bytes32 inputHash, bytes32 batchContext, uint64 gas)
        external
        pure
        returns (bytes32)
    {
        return MachineState.hash(GlobalState(stateRoot, inputHash, batchContext, gas));
    }

    /// @notice The value-stack hash of `values` (bottom first) and the frame-stack hash of `frames` (each the
    ///         frame word's three u32 fields).
    function chains(uint64[] calldata values, uint32[3][] calldata frames)
        external
        pure
        returns (bytes32 valueStack, bytes32 frameStack)
    {
        for (uint256 i = 0; i < values.length; i++) valueStack = HashChains.pushValue(valueStack, values[i]);
        for (uint256 i = 0; i < frames.length; i++) {
            frameStack = HashChains.pushFrame(frameStack, Frame(frames[i][0], frames[i][1], frames[i][2]));
        }
    }

    /// @notice {FixedMerkle.root}.
    function merkleRoot(uint256 tag, uint256 depth, uint256 index, bytes32 leaf, bytes calldata siblings)
        external
        pure
        returns (bytes32)
    {
        return FixedMerkle.root(tag, depth, index, leaf, siblings);
    }

    /// @notice {Instructions.decode}, and its re-encoding.
    function decodeInstruction(bytes32 word) external pure returns (uint256[5] memory fields, bytes32 reencoded) {
        Instruction memory ins = Instructions.decode(word);
        fields = [ins.op, ins.gas, ins.a, ins.b, ins.c];
        reencoded = Instructions.encode(ins);
    }

    /// @notice The domain tags and depths the libraries use, for comparison with the TypeScript.
    function constants() external pure returns (uint256[12] memory c) {
        c = [
            K.MACHINE_STATE,
            K.VALUE_STACK,
            K.FRAME_STACK,
            K.MEMORY_NODE,
            K.CODE_NODE,
            K.GLOBALS_NODE,
            K.TABLE_NODE,
            K.GLOBAL_STATE,
            K.MEMORY_DEPTH,
            K.CODE_DEPTH,
            K.GLOBALS_DEPTH,
            K.TABLE_DEPTH
        ];
    }
}
