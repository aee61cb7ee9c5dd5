// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice A batch as the sequencer inbox records it (docs/protocol.md, "Batches").
struct BatchHeader {
    /// @dev Root of the batch's transaction Merkle tree (sequencer transactions only).
    bytes32 txRoot;
    /// @dev Sequencer transactions in the batch.
    uint64 seqCount;
    /// @dev Delayed messages consumed before this batch (the first one it includes).
    uint64 delayedBefore;
    /// @dev Delayed messages consumed after this batch.
    uint64 delayedAfter;
    /// @dev Transactions (delayed and sequencer) of all earlier batches: the global index of this batch's first one.
    uint64 txsBefore;
    /// @dev The batch's timestamp, seconds; also its L2 block's.
    uint64 timestamp;
}

/// @notice What an assertion claims (docs/protocol.md, "Assertions").
struct AssertionData {
    bytes32 parent;
    bytes32 stateRoot;
    bytes32 outboxRoot;
    /// @dev Batches covered after this assertion (it covers batches parent.batchEnd .. batchEnd - 1).
    uint64 batchEnd;
    /// @dev Transactions executed after this assertion, counted from genesis.
    uint64 txEnd;
    /// @dev Delayed messages consumed after this assertion.
    uint64 delayedEnd;
}

/// @notice The opening of a machine hash: its status word, six part hashes and the global state's preimage.
struct MachineOpening {
    bytes32 statusWord;
    bytes32 valueStackHash;
    bytes32 frameStackHash;
    bytes32 globalsRoot;
    bytes32 memoryRoot;
    bytes32 codeRoot;
    bytes32 tableRoot;
    bytes32 stateRoot;
    bytes32 inputHash;
    bytes32 batchContext;
    bytes32 gasWord;
}

/// @title The rollup's hash formats, with their domain tags (docs/protocol.md, "Hash domains").
/// @notice The TypeScript twin is protocol/rollup/hashes.ts; test/rollup/hashes.test.ts pins both to shared vectors.
library RollupHashes {
    uint8 internal constant TRANSACTION = 0x04;
    uint8 internal constant BATCH_NODE = 0x05;
    uint8 internal constant BATCH = 0x06;
    uint8 internal constant DELAYED = 0x07;
    uint8 internal constant ASSERTION = 0x08;
    uint8 internal constant WITHDRAWAL = 0x09;
    uint8 internal constant OUTBOX_NODE = 0x0a;
    uint8 internal constant BISECTION = 0x0b;
    uint8 internal constant STEP_CLAIMS = 0x0c;
    uint8 internal constant MACHINE_STATE = 0x10;
    uint8 internal constant GLOBAL_STATE = 0x17;

    /// @notice Bytes a transaction may have: the machine's MAX_INPUT_BYTES (vm/params.ts). A longer input is not a
    ///         transaction (no runner executes it), so neither inbox accepts one.
    uint256 internal constant MAX_TRANSACTION_BYTES = 4096;

    /// @notice keccak(0x04 || transaction bytes): the inbox leaf and the machine's input hash.
    function transactionHash(bytes memory txBytes) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(TRANSACTION, txBytes));
    }

    /// @notice keccak(0x06 || txRoot || seqCount || delayedBefore || delayedAfter || txsBefore || timestamp).
    function batchHash(BatchHeader memory b) internal pure returns (bytes32) {
        return keccak256(
            abi.encodePacked(BATCH, b.txRoot, b.seqCount, b.delayedBefore, b.delayedAfter, b.txsBefore, b.timestamp)
        );
    }

    /// @notice One link of the delayed-inbox accumulator: keccak(0x07 || previous || queuedAt || transaction hash).
    function delayedAccumulate(bytes32 previous, uint64 queuedAt, bytes32 txHash) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(DELAYED, previous, queuedAt, txHash));
    }

    /// @notice keccak(0x08 || parent || stateRoot || outboxRoot || batchEnd || txEnd || delayedEnd || proposer):
    ///         the proposer is part of the id, so a copy of a claim by someone else (who may lose it on purpose)
    ///         never takes the id of the honest proposer's own.
    function assertionHash(AssertionData memory a, address proposer) internal pure returns (bytes32) {
        return keccak256(
            abi.encodePacked(
                ASSERTION, a.parent, a.stateRoot, a.outboxRoot, a.batchEnd, a.txEnd, a.delayedEnd, proposer
            )
        );
    }

    /// @notice An outbox leaf: keccak(0x09 || recipient || amount).
    function withdrawalLeaf(address recipient, uint256 amount) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(WITHDRAWAL, recipient, amount));
    }

    /// @notice A bisection's commitment: keccak(0x0b || lo || hi || values), values at the part boundaries.
    function bisectionCommitment(uint64 lo, uint64 hi, bytes32[] calldata values) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(BISECTION, lo, hi, values));
    }

    /// @notice The batch-context word: timestamp || L2 block number || origin (0 sequencer, 1 delayed) || 8 zero bytes.
    function batchContext(uint64 timestamp, uint64 blockNumber, uint64 origin) internal pure returns (bytes32) {
        return bytes32((uint256(timestamp) << 192) | (uint256(blockNumber) << 128) | (uint256(origin) << 64));
    }

    /// @notice keccak(0x17 || stateRoot || inputHash || batchContext || gasWord).
    function globalStateHash(bytes32 stateRoot, bytes32 inputHash, bytes32 context, bytes32 gasWord)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(abi.encodePacked(GLOBAL_STATE, stateRoot, inputHash, context, gasWord));
    }

    /// @notice The machine hash an opening describes (docs/machine.md, "Machine state hash").
    function machineHash(MachineOpening calldata m) internal pure returns (bytes32) {
        bytes32 global = globalStateHash(m.stateRoot, m.inputHash, m.batchContext, m.gasWord);
        return keccak256(
            abi.encodePacked(
                MACHINE_STATE,
                m.statusWord,
                m.valueStackHash,
                m.frameStackHash,
                m.globalsRoot,
                m.memoryRoot,
                m.codeRoot,
                m.tableRoot,
                global
            )
        );
    }
}
