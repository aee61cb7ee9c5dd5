// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BatchMerkle} from "./BatchMerkle.sol";
import {Bridge} from "./Bridge.sol";
import {BatchHeader, RollupHashes} from "./RollupHashes.sol";

/// @title The sequencer inbox: the ordered record of every L2 transaction.
/// @notice Batch n is L2 block n. It executes, in order, the delayed messages delayedBefore .. delayedAfter - 1
///         (origin 1) and then its sequencer transactions (origin 0), all with the batch's timestamp
///         (docs/protocol.md, "Batches"). The inbox stores one hash per batch; the transactions stay in the
///         calldata of the posting transaction, found through {BatchPosted}.
///         Batch 0 is the sequencer's GENESIS and consumes no delayed message ({GenesisBatchConsumesDelayed}).
/// @dev Invariants: batch timestamps never decrease and never run ahead of L1; delayed messages are consumed in
///      order and only once; a message older than `forceInclusionDelay` can be included by anyone.
contract SequencerInbox {
    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @dev Only the sequencer posts batches.
    error NotSequencer(address caller);
    /// @dev A batch timestamp before the previous batch's, after L1's, or older than the allowed drift.
    error BadTimestamp(uint64 timestamp, uint64 earliest, uint64 latest);
    /// @dev A delayed count below what was consumed or past what was queued.
    error BadDelayedCount(uint64 requested, uint64 consumed, uint256 queued);
    /// @dev The last message to force is not old enough yet.
    error ForceInclusionTooEarly(uint64 queuedAt, uint64 allowedAt);
    /// @dev The message preimage does not match the bridge's accumulator.
    error DelayedMessageMismatch(uint64 index);
    /// @dev A batch with nothing in it.
    error EmptyBatch();
    /// @dev Batch 0 (the sequencer's GENESIS) consumes no delayed message: one run before GENESIS would be refused.
    error GenesisBatchConsumesDelayed(uint64 delayedAfter);
    /// @dev Forced inclusion before the sequencer's first batch (the chain's GENESIS) exists.
    error NoGenesisBatch();

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Batch `number` (also its L2 block number) was recorded. The sequencer transactions are in the
    ///         calldata of the transaction that emitted this (argument `transactions` of {postBatch}).
    event BatchPosted(uint256 indexed number, bytes32 batchHash, BatchHeader header, bool forced);

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @notice The only address allowed to post batches.
    address public immutable sequencer;
    /// @notice The bridge whose delayed messages batches consume.
    Bridge public immutable bridge;
    /// @notice Seconds after which a delayed message may be forced in by anyone.
    uint64 public immutable forceInclusionDelay;
    /// @notice Seconds a sequencer batch's timestamp may lag behind L1's.
    uint64 public immutable maxTimestampDrift;

    /// @notice batchHashes[n] = RollupHashes.batchHash of batch n.
    bytes32[] public batchHashes;
    /// @notice Transactions in all batches so far (delayed and sequencer).
    uint64 public totalTransactions;
    /// @notice Delayed messages consumed so far.
    uint64 public delayedConsumed;
    /// @notice The last batch's timestamp.
    uint64 public lastTimestamp;

    constructor(address sequencer_, Bridge bridge_, uint64 forceInclusionDelay_, uint64 maxTimestampDrift_) {
        sequencer = sequencer_;
        bridge = bridge_;
        forceInclusionDelay = forceInclusionDelay_;
        maxTimestampDrift = maxTimestampDrift_;
    }

    /*//////////////////////////////////////////////////////////////
                               OPERATIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Post a batch: sequencer transactions, each prefixed with its length (u16) and at most
    ///         RollupHashes.MAX_TRANSACTION_BYTES long, and the delayed count after it.
    /// @param transactions the encoded sequencer transactions (docs/protocol.md, "Batches")
    /// @param timestamp the batch's timestamp, seconds
    /// @param delayedAfter delayed messages consumed once this batch is included
    /// @return number the batch number
    function postBatch(bytes calldata transactions, uint64 timestamp, uint64 delayedAfter)
        external
        returns (uint256 number)
    {
        if (msg.sender != sequencer) revert NotSequencer(msg.sender);
        uint64 latest = uint64(block.timestamp);
        uint64 earliest = latest > maxTimestampDrift ? latest - maxTimestampDrift : 0;
        if (earliest < lastTimestamp) earliest = lastTimestamp;
        if (timestamp < earliest || timestamp > latest) revert BadTimestamp(timestamp, earliest, latest);
        if (batchHashes.length == 0 && delayedAfter != 0) revert GenesisBatchConsumesDelayed(delayedAfter);
        _checkDelayed(delayedAfter);
        (bytes32 root, uint256 count) = BatchMerkle.batchRoot(transactions, RollupHashes.MAX_TRANSACTION_BYTES);
        if (count == 0 && delayedAfter == delayedConsumed) revert EmptyBatch();
        return _record(root, uint64(count), delayedAfter, timestamp, false);
    }

    /// @notice Include the delayed messages up to `delayedAfter` without the sequencer, once the last of them is
    ///         older than the force-inclusion delay and the sequencer's first batch (which starts the chain with
    ///         GENESIS: a deposit run before it would be refused and its tokens locked) exists.
    /// @param delayedAfter delayed messages consumed after the forced batch
    /// @param lastQueuedAt when message delayedAfter - 1 was queued (from {Bridge.MessageQueued})
    /// @param lastTxHash that message's transaction hash
    function forceInclusion(uint64 delayedAfter, uint64 lastQueuedAt, bytes32 lastTxHash)
        external
        returns (uint256 number)
    {
        if (batchHashes.length == 0) revert NoGenesisBatch();
        _checkDelayed(delayedAfter);
        if (delayedAfter == delayedConsumed) {
            revert BadDelayedCount(delayedAfter, delayedConsumed, bridge.messageCount());
        }
        bytes32 previous = bridge.accumulatorAt(delayedAfter - 1);
        if (RollupHashes.delayedAccumulate(previous, lastQueuedAt, lastTxHash) != bridge.accumulatorAt(delayedAfter)) {
            revert DelayedMessageMismatch(delayedAfter - 1);
        }
        uint64 allowedAt = lastQueuedAt + forceInclusionDelay;
        if (block.timestamp < allowedAt) revert ForceInclusionTooEarly(lastQueuedAt, allowedAt);
        return _record(bytes32(0), 0, delayedAfter, uint64(block.timestamp), true);
    }

    /// @notice Batches posted so far.
    function batchCount() external view returns (uint256) {
        return batchHashes.length;
    }

    function _checkDelayed(uint64 delayedAfter) internal view {
        uint256 queued = bridge.messageCount();
        if (delayedAfter < delayedConsumed || delayedAfter > queued) {
            revert BadDelayedCount(delayedAfter, delayedConsumed, queued);
        }
    }

    function _record(bytes32 root, uint64 seqCount, uint64 delayedAfter, uint64 timestamp, bool forced)
        internal
        returns (uint256 number)
    {
        BatchHeader memory h = BatchHeader({
            txRoot: root,
            seqCount: seqCount,
            delayedBefore: delayedConsumed,
            delayedAfter: delayedAfter,
            txsBefore: totalTransactions,
            timestamp: timestamp
        });
        bytes32 hash = RollupHashes.batchHash(h);
        number = batchHashes.length;
        batchHashes.push(hash);
        totalTransactions += seqCount + (delayedAfter - h.delayedBefore);
        delayedConsumed = delayedAfter;
        lastTimestamp = timestamp;
        emit BatchPosted(number, hash, h, forced);
    }
}
