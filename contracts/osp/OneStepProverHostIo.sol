// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SparseMerkle} from "../state/SparseMerkle.sol";
import {Frame, HashChains} from "./HashChains.sol";
import {IStepExecutor} from "./IStepExecutor.sol";
import {Instruction} from "./Instructions.sol";
import {GlobalState, Machine} from "./MachineState.sol";
import {OspConstants as K} from "./OspConstants.sol";
import {Witnesses} from "./Witnesses.sol";

/// @title OneStepProverHostIo
/// @notice One step of `call_host` and `call_indirect` (which reaches a host function when the table slot is an
///         import), as docs/machine.md "One-step proof", "Host calls" fixes them: the arguments from `S(params)`,
///         the host's own gas, the argument checks, then the host's witnesses: the transaction input `I` against
///         `inputHash`, memory subtrees `M(h)`, a state-tree proof `P` against `stateRoot` (SparseMerkle, the tree
///         of docs/protocol.md), and L1's `ecrecover` precompile.
contract OneStepProverHostIo is IStepExecutor {
    using Witnesses for bytes;

    /// @dev An opcode that is not this family's.
    error NotHostOpcode(uint256 op);
    /// @dev A host id past the host interface's table.
    error UnknownHost(uint256 id);
    /// @dev The revealed input does not hash to the machine's input hash.
    error InputHashMismatch(bytes32 expected, bytes32 computed);

    /// @dev Host ids (docs/machine.md, "Host calls").
    uint256 private constant _INPUT_SIZE = 0;
    uint256 private constant _INPUT_READ = 1;
    uint256 private constant _STATE_READ = 2;
    uint256 private constant _STATE_WRITE = 3;
    uint256 private constant _ECRECOVER = 4;
    uint256 private constant _KECCAK = 5;
    uint256 private constant _CONTEXT = 6;
    uint256 private constant _REVERT = 7;

    /// @dev Gas of each host function on top of the call's block charge (vm/params.ts, unit: gas).
    uint256 private constant _GAS_INPUT_READ = 10;
    uint256 private constant _GAS_STATE_READ = 200;
    uint256 private constant _GAS_STATE_WRITE = 1_000;
    uint256 private constant _GAS_ECRECOVER = 3_000;
    uint256 private constant _GAS_KECCAK = 30;
    uint256 private constant _GAS_KECCAK_WORD = 6;
    /// @dev Largest keccak host call (vm/params.ts MAX_KECCAK_BYTES, unit: bytes).
    uint256 private constant _MAX_KECCAK_BYTES = 1_024;
    /// @dev keccak(0x04 || input): the machine's input hash (protocol/domain.ts TRANSACTION).
    uint256 private constant _TRANSACTION = 0x04;
    /// @dev A table slot's entry pc for an imported function.
    uint256 private constant _IMPORT = 0xffffffff;

    /// @inheritdoc IStepExecutor
    function execute(Machine calldata mIn, GlobalState calldata gIn, Instruction calldata ins, bytes calldata proof, uint256 at)
        external
        view
        override
        returns (Machine memory m, GlobalState memory g, uint256 next)
    {
        m = mIn;
        g = gIn;
        if (ins.op == 0x12) return _host(m, g, ins.b, proof, at, false);
        if (ins.op != 0x11) revert NotHostOpcode(ins.op);
        // call_indirect a: pop the table index, check bounds, slot and signature.
        (uint256 trap, uint256 entry, uint256 hostId, uint256 n) = _lookup(m, ins.a, proof, at);
        if (trap != 0) return _trap(m, g, trap, n);
        // An imported function: the host call of the slot's host id, its arguments below the index.
        if (entry == _IMPORT) return _host(m, g, hostId, proof, n, true);
        if (m.depth >= K.MAX_CALL_DEPTH) return _trap(m, g, K.TRAP_STACK_EXHAUSTED, n);
        m.frameStack = HashChains.pushFrame(m.frameStack, Frame(m.pc + 1, m.fp, m.used));
        m.depth += 1;
        m.pc = entry;
        return (m, g, n);
    }

    /// @dev call_indirect's table lookup: `S(1)` (the index, popped from `m`), then `T` if the index is in the
    ///      table. Returns a trap code (0 if none), the slot's entry pc and host id, and the offset after.
    function _lookup(Machine memory m, uint256 sigId, bytes calldata proof, uint256 at)
        private
        pure
        returns (uint256 trap, uint256 entry, uint256 hostId, uint256 next)
    {
        uint256 i;
        {
            bytes32 base;
            uint256[] memory v;
            (base, v, next) = proof.openStack(at, 1, m.sp, m.valueStack);
            // Popped at once: a trap below zeroes the stack parts anyway.
            m.valueStack = base;
            m.sp -= 1;
            i = v[0] & 0xffffffff;
        }
        if (i >= m.tableSize) return (K.TRAP_UNDEFINED_ELEMENT, 0, 0, next);
        bytes32 leaf;
        (leaf, next) = proof.openTable(next, i, m.tableRoot);
        if (leaf == 0) return (K.TRAP_UNINITIALIZED_ELEMENT, 0, 0, next);
        // Slot: 0x01 || function index (4) || signature id (4) || entry pc (4) || host id (1) || zeros.
        if ((uint256(leaf) >> 184) & 0xffffffff != sigId) return (K.TRAP_SIGNATURE_MISMATCH, 0, 0, next);
        entry = (uint256(leaf) >> 152) & 0xffffffff;
        hostId = (uint256(leaf) >> 144) & 0xff;
    }

    /// @dev Stops the machine with trap `code`.
    function _trap(Machine memory m, GlobalState memory g, uint256 code, uint256 next)
        private
        pure
        returns (Machine memory, GlobalState memory, uint256)
    {
        m.status = K.STATUS_TRAPPED;
        m.trap = code;
        return (m, g, next);
    }

    /// @dev Parameters of host function `id`.
    function _params(uint256 id) private pure returns (uint256) {
        if (id == _INPUT_SIZE) return 0;
        if (id == _INPUT_READ) return 2;
        if (id == _KECCAK) return 3;
        if (id <= _REVERT) return 1;
        revert UnknownHost(id);
    }

    /// @dev The host's own gas, given its arguments (keccak's depends on the length).
    function _cost(uint256 id, uint256[] memory args) private pure returns (uint256) {
        if (id == _INPUT_READ) return _GAS_INPUT_READ;
        if (id == _STATE_READ) return _GAS_STATE_READ;
        if (id == _STATE_WRITE) return _GAS_STATE_WRITE;
        if (id == _ECRECOVER) return _GAS_ECRECOVER;
        if (id == _KECCAK) return _GAS_KECCAK + _GAS_KECCAK_WORD * (((args[1] & 0xffffffff) + 31) / 32);
        return 0;
    }

    /// @dev Whether `len` bytes at `ptr` fit in memory and `ptr` is a multiple of `align`.
    function _fits(Machine memory m, uint256 ptr, uint256 len, uint256 align) private pure returns (bool) {
        return ptr % align == 0 && ptr + len <= m.memoryPages * K.PAGE_BYTES;
    }

    /// @dev Whether the arguments pass the host function's checks (else `host trap`).
    function _argsOk(Machine memory m, uint256 id, uint256[] memory args) private pure returns (bool) {
        if (id == _INPUT_READ) return _fits(m, args[0] & 0xffffffff, 32, 32);
        if (id == _STATE_READ || id == _STATE_WRITE) return _fits(m, args[0] & 0xffffffff, 64, 64);
        if (id == _ECRECOVER) return _fits(m, args[0] & 0xffffffff, 128, 128);
        if (id == _KECCAK) {
            uint256 len = args[1] & 0xffffffff;
            return len <= _MAX_KECCAK_BYTES && _fits(m, args[0] & 0xffffffff, len, 1)
                && _fits(m, args[2] & 0xffffffff, 32, 32);
        }
        if (id == _CONTEXT) return args[0] & 0xffffffff <= 2;
        return true;
    }

    /// @dev The host call `id` with its arguments on top of the stack. `viaTable`: reached through call_indirect,
    ///      whose argument opening always carries its base link (even with no arguments).
    function _host(
        Machine memory m,
        GlobalState memory g,
        uint256 id,
        bytes calldata proof,
        uint256 at,
        bool viaTable
    ) private view returns (Machine memory, GlobalState memory, uint256 next) {
        uint256 k = _params(id);
        bytes32 base;
        uint256[] memory args;
        (base, args, next) = _openArgs(m, k, proof, at, viaTable);
        if (_stopsBefore(m, g, id, args)) return (m, g, next);
        if (id == _REVERT) {
            // revert: a trap that keeps the engine's code in the status word.
            m.revertCode = args[0] & 0xffffffff;
            return _trap(m, g, K.TRAP_REVERT, next);
        }
        uint256[] memory results;
        (results, next) = _run(m, g, id, args, proof, next);
        m.valueStack = Witnesses.fold(base, results, 0, results.length);
        m.sp = m.sp - k + results.length;
        m.pc += 1;
        return (m, g, next);
    }

    /// @dev In this order (docs/machine.md, "Host interface"): the host's own cost (out of gas, with gas as the
    ///      block charge left it), then its arguments (host trap, nothing charged), then the charge. True if the
    ///      machine stopped.
    function _stopsBefore(Machine memory m, GlobalState memory g, uint256 id, uint256[] memory args)
        private
        pure
        returns (bool)
    {
        uint256 cost = _cost(id, args);
        if (cost > g.gas) {
            m.status = K.STATUS_OUT_OF_GAS;
            m.trap = K.TRAP_OUT_OF_GAS;
            return true;
        }
        if (!_argsOk(m, id, args)) {
            m.status = K.STATUS_TRAPPED;
            m.trap = K.TRAP_HOST;
            return true;
        }
        g.gas -= cost;
        return false;
    }

    /// @dev The host function's `k` arguments: `S(k)`, or through the table `base` and `k` values even for k = 0.
    function _openArgs(Machine memory m, uint256 k, bytes calldata proof, uint256 at, bool viaTable)
        private
        pure
        returns (bytes32, uint256[] memory, uint256)
    {
        if (viaTable) return Witnesses.openLinks(proof, at, k, m.valueStack);
        return Witnesses.openStack(proof, at, k, m.sp, m.valueStack);
    }

    /// @dev Host function `id` (not revert) on checked arguments: reads its witnesses, updates memory or the state
    ///      root, returns its results.
    function _run(
        Machine memory m,
        GlobalState memory g,
        uint256 id,
        uint256[] memory args,
        bytes calldata proof,
        uint256 at
    ) private view returns (uint256[] memory results, uint256 next) {
        results = new uint256[](id == _INPUT_SIZE || id == _ECRECOVER || id == _CONTEXT ? 1 : 0);
        next = at;
        if (id == _INPUT_SIZE) {
            (results[0],, next) = _openInput(g, proof, at);
        } else if (id == _INPUT_READ) {
            next = _inputRead(m, g, args, proof, at);
        } else if (id == _STATE_READ || id == _STATE_WRITE) {
            next = _state(m, g, id, args[0] & 0xffffffff, proof, at);
        } else if (id == _ECRECOVER) {
            (results[0], next) = _ecrecover(m, args[0] & 0xffffffff, proof, at);
        } else if (id == _KECCAK) {
            next = _keccak(m, args, proof, at);
        } else {
            // context(field): u64 bytes 8 * field .. 8 * field + 7 of the batch context.
            results[0] = (uint256(g.batchContext) >> (192 - 64 * (args[0] & 0xffffffff))) & 0xffffffffffffffff;
        }
    }

    /// @dev Opens `I`: the input length (4) and bytes, checked against the input hash.
    /// @return length the input's length
    /// @return input the calldata offset of the input's first byte
    /// @return next the offset after the input
    function _openInput(GlobalState memory g, bytes calldata proof, uint256 at)
        private
        pure
        returns (uint256 length, uint256 input, uint256 next)
    {
        length = proof.uintAt(at, 4);
        input = at + 4;
        proof.need(input, length);
        next = input + length;
        bytes32 h;
        uint256 tag = _TRANSACTION;
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore8(p, tag)
            calldatacopy(add(p, 1), add(proof.offset, input), length)
            h := keccak256(p, add(length, 1))
        }
        if (h != g.inputHash) revert InputHashMismatch(g.inputHash, h);
    }

    /// @dev input_read(dst, offset): `I`, then `M(0)` at dst / 32, which takes input bytes offset .. offset + 31.
    function _inputRead(
        Machine memory m,
        GlobalState memory g,
        uint256[] memory args,
        bytes calldata proof,
        uint256 at
    ) private pure returns (uint256 next) {
        bytes32 w;
        {
            (uint256 length, uint256 input, uint256 n) = _openInput(g, proof, at);
            w = _inputWord(proof, input, length, args[1] & 0xffffffff);
            next = n;
        }
        uint256 leafIndex = (args[0] & 0xffffffff) >> 5;
        bytes32[] memory leaves;
        uint256 siblings;
        (leaves, siblings, next) = proof.openMemory(next, 0, leafIndex, m.memoryRoot);
        leaves[0] = w;
        m.memoryRoot = Witnesses.memoryRootWith(proof, siblings, 0, leafIndex, leaves);
    }

    /// @dev Input bytes offset .. offset + 31 (zero past the end) of the `length`-byte input at calldata offset
    ///      `input` of the proof.
    function _inputWord(bytes calldata proof, uint256 input, uint256 length, uint256 offset)
        private
        pure
        returns (bytes32 w)
    {
        if (offset >= length) return 0;
        assembly ("memory-safe") {
            w := calldataload(add(add(proof.offset, input), offset))
        }
        uint256 available = length - offset;
        if (available < 32) w &= ~bytes32(type(uint256).max >> (8 * available));
    }

    /// @dev state_read / state_write(ptr): `M(1)` at ptr / 64 (key, value), then `P` (length (2), proof).
    function _state(Machine memory m, GlobalState memory g, uint256 id, uint256 ptr, bytes calldata proof, uint256 at)
        private
        pure
        returns (uint256 next)
    {
        uint256 j = ptr >> 6;
        (bytes32[] memory leaves, uint256 siblings, uint256 n) = proof.openMemory(at, 1, j, m.memoryRoot);
        bytes calldata stateProof;
        (stateProof, next) = _stateProof(proof, n);
        if (id == _STATE_READ) {
            leaves[1] = SparseMerkle.read(g.stateRoot, leaves[0], stateProof);
            m.memoryRoot = Witnesses.memoryRootWith(proof, siblings, 1, j, leaves);
        } else {
            g.stateRoot = SparseMerkle.write(g.stateRoot, leaves[0], leaves[1], stateProof);
        }
    }

    /// @dev `P` at `at`: its length (2), then the state-tree proof.
    function _stateProof(bytes calldata proof, uint256 at)
        private
        pure
        returns (bytes calldata stateProof, uint256 next)
    {
        uint256 length = proof.uintAt(at, 2);
        proof.need(at + 2, length);
        next = at + 2 + length;
        stateProof = proof[at + 2:next];
    }

    /// @dev ecrecover(ptr): `M(2)` at ptr / 128 (hash, v, r, s); L1's precompile decides.
    function _ecrecover(Machine memory m, uint256 ptr, bytes calldata proof, uint256 at)
        private
        view
        returns (uint256 ok, uint256 next)
    {
        uint256 j = ptr >> 7;
        (bytes32[] memory leaves, uint256 siblings, uint256 n) = proof.openMemory(at, 2, j, m.memoryRoot);
        next = n;
        bool success;
        uint256 size;
        bytes32 signer;
        assembly ("memory-safe") {
            let p := mload(0x40)
            mcopy(p, add(leaves, 32), 128)
            success := staticcall(gas(), 0x01, p, 128, p, 32)
            size := returndatasize()
            signer := mload(p)
        }
        // The precompile returns nothing where recovery fails.
        if (!success || size != 32) return (0, next);
        leaves[0] = signer;
        m.memoryRoot = Witnesses.memoryRootWith(proof, siblings, 2, j, leaves);
        return (1, next);
    }

    /// @dev keccak(src, len, dst): the source as one or two aligned `M(h)` openings (none when len = 0),
    ///      then `M(0)` at dst / 32.
    function _keccak(Machine memory m, uint256[] memory args, bytes calldata proof, uint256 at)
        private
        pure
        returns (uint256 next)
    {
        bytes memory data;
        (data, next) = _readRange(m.memoryRoot, args[0] & 0xffffffff, args[1] & 0xffffffff, proof, at);
        uint256 dst = (args[2] & 0xffffffff) >> 5;
        bytes32[] memory out;
        uint256 siblings;
        (out, siblings, next) = proof.openMemory(next, 0, dst, m.memoryRoot);
        out[0] = keccak256(data);
        m.memoryRoot = Witnesses.memoryRootWith(proof, siblings, 0, dst, out);
    }

    /// @dev Memory bytes src .. src + len - 1 from the aligned `M(h)` openings that cover them, in increasing
    ///      order: h is the smallest height whose blocks put the first and last leaf at most one block apart,
    ///      so one opening (same block) or two (adjacent blocks); none when len = 0 (docs/machine.md "Host calls").
    function _readRange(bytes32 root, uint256 src, uint256 len, bytes calldata proof, uint256 at)
        private
        pure
        returns (bytes memory data, uint256 next)
    {
        next = at;
        data = new bytes(len);
        if (len == 0) return (data, next);
        uint256 first = src >> 5;
        uint256 last = (src + len - 1) >> 5;
        uint256 h = 0;
        while ((last >> h) - (first >> h) > 1) h++;
        bytes memory window;
        (window, next) = _openBlocks(root, h, first >> h, (last >> h) - (first >> h) + 1, proof, at);
        uint256 skip = src - (((first >> h) << h) << 5);
        assembly ("memory-safe") {
            mcopy(add(data, 32), add(add(window, 32), skip), len)
        }
    }

    /// @dev The leaves of `blocks` adjacent `M(h)` openings from subtree `j` on, laid out contiguously.
    function _openBlocks(bytes32 root, uint256 h, uint256 j, uint256 blocks, bytes calldata proof, uint256 at)
        private
        pure
        returns (bytes memory window, uint256 next)
    {
        next = at;
        uint256 n = 1 << h;
        window = new bytes(32 * n * blocks);
        for (uint256 b = 0; b < blocks; b++) {
            bytes32[] memory leaves;
            (leaves,, next) = proof.openMemory(next, h, j + b, root);
            assembly ("memory-safe") {
                mcopy(add(add(window, 32), shl(5, mul(b, n))), add(leaves, 32), shl(5, n))
            }
        }
    }
}
