// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOneStepProver, StepContext} from "../osp/IOneStepProver.sol";

/// @title OspReplayHarness
/// @notice Checks many one-step proofs in one call, so that a differential replay pays the RPC overhead once per few
///         hundred steps: each item is (beforeHash, proof, expected afterHash) against one prover and code root.
/// @dev Test-only; not part of the protocol.
contract OspReplayHarness {
    /// @dev The arrays of a batch have different lengths.
    error BatchLengthMismatch();

    /// @notice Runs every step through `prover` (step i against engine `codeRoots[i]`) and stops at the first one
    ///         whose after-hash differs from `expected` or that reverts.
    /// @return mismatch the index of the first failing item, or `befores.length` if all agree
    /// @return got the after-hash the prover returned for it (zero if it reverted)
    /// @return revertData the revert data if it reverted
    function replay(
        IOneStepProver prover,
        bytes32[] calldata codeRoots,
        bytes32[] calldata befores,
        bytes[] calldata proofs,
        bytes32[] calldata expected
    ) external view returns (uint256 mismatch, bytes32 got, bytes memory revertData) {
        if (
            befores.length != proofs.length || befores.length != expected.length || befores.length != codeRoots.length
        ) revert BatchLengthMismatch();
        for (uint256 i = 0; i < befores.length; i++) {
            try prover.proveOneStep(StepContext(codeRoots[i]), befores[i], proofs[i]) returns (bytes32 afterHash) {
                if (afterHash != expected[i]) return (i, afterHash, "");
            } catch (bytes memory data) {
                return (i, bytes32(0), data);
            }
        }
        return (befores.length, bytes32(0), "");
    }

    /// @notice Runs every (mutated) proof and reports, per item, whether it reverted and the hash it returned.
    /// @dev An adversarial test passes when no item returns its honest after-hash.
    function tryMany(
        IOneStepProver prover,
        bytes32[] calldata codeRoots,
        bytes32[] calldata befores,
        bytes[] calldata proofs
    ) external view returns (bool[] memory reverted, bytes32[] memory afterHashes) {
        if (befores.length != proofs.length || befores.length != codeRoots.length) revert BatchLengthMismatch();
        reverted = new bool[](befores.length);
        afterHashes = new bytes32[](befores.length);
        for (uint256 i = 0; i < befores.length; i++) {
            try prover.proveOneStep(StepContext(codeRoots[i]), befores[i], proofs[i]) returns (bytes32 afterHash) {
                afterHashes[i] = afterHash;
            } catch {
                reverted[i] = true;
            }
        }
    }

    /// @notice The execution gas of one {IOneStepProver.proveOneStep} call, measured around the external call.
    function measure(IOneStepProver prover, bytes32 codeRoot, bytes32 beforeHash, bytes calldata proof)
        external
        view
        returns (bytes32 afterHash, uint256 gasUsed)
    {
        StepContext memory ctx = StepContext(codeRoot);
        uint256 start = gasleft();
        afterHash = prover.proveOneStep(ctx, beforeHash, proof);
        gasUsed = start - gasleft();
    }

    /// @notice {measure} for each item in one call (the first item also pays the cold account accesses).
    function measureMany(
        IOneStepProver prover,
        bytes32[] calldata codeRoots,
        bytes32[] calldata befores,
        bytes[] calldata proofs
    ) external view returns (bytes32[] memory afterHashes, uint256[] memory gasUsed) {
        if (befores.length != proofs.length || befores.length != codeRoots.length) revert BatchLengthMismatch();
        afterHashes = new bytes32[](befores.length);
        gasUsed = new uint256[](befores.length);
        for (uint256 i = 0; i < befores.length; i++) {
            uint256 start = gasleft();
            afterHashes[i] = prover.proveOneStep(StepContext(codeRoots[i]), befores[i], proofs[i]);
            gasUsed[i] = start - gasleft();
        }
    }
}
