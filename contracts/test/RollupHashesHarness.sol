// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BatchMerkle} from "../rollup/BatchMerkle.sol";
import {AssertionData, BatchHeader, MachineOpening, RollupHashes} from "../rollup/RollupHashes.sol";

/// @title Exposes the rollup's hash formats and Merkle trees to tests (shared vectors with protocol/rollup/).
/// @dev Test-only; not part of the protocol.
contract RollupHashesHarness {
    function batchRoot(bytes calldata data) external pure returns (bytes32 root, uint256 count) {
        return BatchMerkle.batchRoot(data, RollupHashes.MAX_TRANSACTION_BYTES);
    }

    /// @notice Execution gas of {BatchMerkle.batchRoot} alone (calldata excluded), for the benchmark.
    function batchRootGas(bytes calldata data) external view returns (uint256 gasUsed, bytes32 root) {
        uint256 g = gasleft();
        (root,) = BatchMerkle.batchRoot(data, RollupHashes.MAX_TRANSACTION_BYTES);
        gasUsed = g - gasleft();
    }

    function verifyTransaction(bytes32 root, uint256 count, bytes32 leaf, uint256 index, bytes32[] calldata siblings)
        external
        pure
        returns (bool)
    {
        return BatchMerkle.verifyTransaction(root, count, leaf, index, siblings);
    }

    function rootFromProof(uint8 tag, bytes32 leaf, uint256 index, bytes32[] calldata siblings)
        external
        pure
        returns (bytes32)
    {
        return BatchMerkle.rootFromProof(tag, leaf, index, siblings);
    }

    function transactionHash(bytes calldata txBytes) external pure returns (bytes32) {
        return RollupHashes.transactionHash(txBytes);
    }

    function batchHash(BatchHeader calldata b) external pure returns (bytes32) {
        return RollupHashes.batchHash(b);
    }

    function delayedAccumulate(bytes32 previous, uint64 queuedAt, bytes32 txHash) external pure returns (bytes32) {
        return RollupHashes.delayedAccumulate(previous, queuedAt, txHash);
    }

    function assertionHash(AssertionData calldata a, address proposer) external pure returns (bytes32) {
        return RollupHashes.assertionHash(a, proposer);
    }

    function withdrawalLeaf(address recipient, uint256 amount) external pure returns (bytes32) {
        return RollupHashes.withdrawalLeaf(recipient, amount);
    }

    function bisectionCommitment(uint64 lo, uint64 hi, bytes32[] calldata values) external pure returns (bytes32) {
        return RollupHashes.bisectionCommitment(lo, hi, values);
    }

    function batchContext(uint64 timestamp, uint64 blockNumber, uint64 origin) external pure returns (bytes32) {
        return RollupHashes.batchContext(timestamp, blockNumber, origin);
    }

    function machineHash(MachineOpening calldata m) external pure returns (bytes32) {
        return RollupHashes.machineHash(m);
    }
}
