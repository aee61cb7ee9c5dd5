// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {FixedMerkle} from "./FixedMerkle.sol";
import {IOneStepProver, StepContext} from "./IOneStepProver.sol";
import {IStepExecutor} from "./IStepExecutor.sol";
import {Instruction, Instructions} from "./Instructions.sol";
import {GlobalState, Machine, MachineState} from "./MachineState.sol";
import {OneStepProverControl} from "./OneStepProverControl.sol";
import {OneStepProverMath} from "./OneStepProverMath.sol";
import {OneStepProverMemory} from "./OneStepProverMemory.sol";
import {OspConstants as K} from "./OspConstants.sol";

/// @title OneStepProver
/// @notice The one-step prover's entry point (docs/machine.md, "One-step proof"): checks the proof's header against
///         the machine hash, fetches the instruction at `pc` from the code tree, charges its block gas, hands the
///         step to the contract of its instruction family and hashes the machine after it.
/// @dev Follows `vm/proof/verifyStep.ts` (the TypeScript reference) step for step. The instruction families are
///      separate units: math (constants, drop, select, numeric), control (unreachable, enter, branches, call,
///      return, locals, globals) and memory (loads, stores, size, grow) are libraries compiled into this contract,
///      so the frequent steps pay no external call (about 7,000 gas of cold account access and ABI copying); host
///      I/O (call_host, and call_indirect reaching a host function), the largest, is its own contract behind
///      {IStepExecutor}. Each stays under the EVM code-size limit.
contract OneStepProver is IOneStepProver {
    /// @dev The proof is shorter than its header (352 bytes), or than the header plus the instruction (1,088).
    error ProofTooShort(uint256 needed, uint256 length);
    /// @dev The header does not hash to the machine hash before the step.
    error BeforeHashMismatch(bytes32 expected, bytes32 computed);
    /// @dev The header's code root is not the engine's the dispute is about.
    error CodeRootMismatch(bytes32 expected, bytes32 revealed);
    /// @dev The revealed instruction is not the code tree's leaf at `pc`.
    error InstructionProofMismatch(bytes32 expected, bytes32 computed);
    /// @dev The proof has bytes after the last witness the step reads.
    error TrailingBytes(uint256 consumed, uint256 length);
    /// @dev An opcode no lowering emits.
    error UnknownOpcode(uint256 op);

    /// @dev Bytes of the header: status word, six part hashes, the global state's four words.
    uint256 internal constant HEADER_BYTES = 352;
    /// @dev Bytes of the header and the instruction with its 22 code-tree siblings.
    uint256 internal constant INSTRUCTION_END = HEADER_BYTES + 32 + 32 * K.CODE_DEPTH;

    /// @notice call_host and call_indirect (which may reach a host function through the table).
    IStepExecutor public immutable hostIo;

    constructor(IStepExecutor hostIo_) {
        hostIo = hostIo_;
    }

    /// @inheritdoc IOneStepProver
    function proveOneStep(StepContext calldata ctx, bytes32 beforeHash, bytes calldata proof)
        external
        view
        override
        returns (bytes32 afterHash)
    {
        if (proof.length < HEADER_BYTES) revert ProofTooShort(HEADER_BYTES, proof.length);
        bytes32 computed = _headerHash(proof);
        if (computed != beforeHash) revert BeforeHashMismatch(beforeHash, computed);
        // One encoding per state, stopped machines included (defence in depth: docs/machine.md, "One-step proof").
        MachineState.requireCanonical(bytes32(proof[0:32]), bytes32(proof[320:352]));
        // A stopped machine stays as it is: the proof is the header alone.
        if (uint8(proof[0]) != K.STATUS_RUNNING) {
            if (proof.length != HEADER_BYTES) revert TrailingBytes(HEADER_BYTES, proof.length);
            return beforeHash;
        }
        (Machine memory m, GlobalState memory g) = _decodeHeader(proof);
        if (m.codeRoot != ctx.codeRoot) revert CodeRootMismatch(ctx.codeRoot, m.codeRoot);
        if (proof.length < INSTRUCTION_END) revert ProofTooShort(INSTRUCTION_END, proof.length);

        bytes32 leaf = bytes32(proof[HEADER_BYTES:HEADER_BYTES + 32]);
        bytes32 root =
            FixedMerkle.root(K.CODE_NODE, K.CODE_DEPTH, m.pc, leaf, proof[HEADER_BYTES + 32:INSTRUCTION_END]);
        if (root != m.codeRoot) revert InstructionProofMismatch(m.codeRoot, root);
        Instruction memory ins = Instructions.decode(leaf);

        uint256 next = INSTRUCTION_END;
        if (ins.gas > g.gas) {
            // Out of gas: nothing of the block is charged or executed.
            m.status = K.STATUS_OUT_OF_GAS;
            m.trap = K.TRAP_OUT_OF_GAS;
        } else {
            g.gas -= ins.gas;
            next = _execute(m, g, ins, proof, next);
        }
        if (next != proof.length) revert TrailingBytes(next, proof.length);
        m.globalStateHash = MachineState.hash(g);
        return MachineState.hash(m);
    }

    /// @dev Executes `ins` in the unit of its family; returns the offset after its witnesses.
    function _execute(Machine memory m, GlobalState memory g, Instruction memory ins, bytes calldata proof, uint256 at)
        private
        view
        returns (uint256 next)
    {
        uint256 op = ins.op;
        if (op == 0x11) {
            // A module function through the table is proven here; a host function goes to host I/O.
            bool host;
            (next, host) = OneStepProverControl.callIndirect(m, ins, proof, at);
            if (!host) return next;
        }
        if (op == 0x11 || op == 0x12) {
            Machine memory mOut;
            GlobalState memory gOut;
            (mOut, gOut, next) = hostIo.execute(m, g, ins, proof, at);
            _copy(m, g, mOut, gOut);
            return next;
        }
        if (op == 0x1a || op == 0x1b || op >= 0x41) return OneStepProverMath.execute(m, ins, proof, at);
        if (op >= 0x28 && op <= 0x40) return OneStepProverMemory.execute(m, ins, proof, at);
        if (op <= 0x24 || op == 0xff) return OneStepProverControl.execute(m, ins, proof, at);
        revert UnknownOpcode(op);
    }

    /// @dev Copies the host family's results into the step's machine and global state.
    function _copy(Machine memory m, GlobalState memory g, Machine memory mOut, GlobalState memory gOut)
        private
        pure
    {
        assembly ("memory-safe") {
            mcopy(m, mOut, 544) // 17 words
            mcopy(g, gOut, 128) // 4 words
        }
    }

    /// @dev keccak(0x10 || bytes 0..223 || keccak(0x17 || bytes 224..351)): the machine hash the header opens.
    function _headerHash(bytes calldata proof) private pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore8(p, 0x17)
            calldatacopy(add(p, 1), add(proof.offset, 224), 128)
            let gs := keccak256(p, 129)
            mstore8(p, 0x10)
            calldatacopy(add(p, 1), proof.offset, 224)
            mstore(add(p, 225), gs)
            h := keccak256(p, 257)
        }
    }

    /// @dev The registers and parts of a running machine's header.
    function _decodeHeader(bytes calldata proof) private pure returns (Machine memory m, GlobalState memory g) {
        MachineState.setStatusWord(m, bytes32(proof[0:32]));
        m.valueStack = bytes32(proof[32:64]);
        m.frameStack = bytes32(proof[64:96]);
        m.globalsRoot = bytes32(proof[96:128]);
        m.memoryRoot = bytes32(proof[128:160]);
        m.codeRoot = bytes32(proof[160:192]);
        m.tableRoot = bytes32(proof[192:224]);
        g.stateRoot = bytes32(proof[224:256]);
        g.inputHash = bytes32(proof[256:288]);
        g.batchContext = bytes32(proof[288:320]);
        g.gas = uint256(bytes32(proof[320:352])) & 0xffffffffffffffff;
    }
}
