// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOneStepProver, StepContext} from "../osp/IOneStepProver.sol";

/// @title A table-driven stand-in for the one-step prover, for the challenge manager's unit tests.
/// @notice The test programs the honest trace's transitions (before -> after); a proof must be the 32-byte code
///         root the step runs against (so a wrong context is caught); an unknown before-hash is a stopped machine,
///         whose step leaves it unchanged, as the real prover does.
contract OneStepProverDouble is IOneStepProver {
    /// @dev The proof is not the context's code root.
    error WrongCodeRoot(bytes32 expected, bytes32 got);

    mapping(bytes32 => bytes32) public next;

    /// @notice Program the transitions `befores[i] -> afters[i]`.
    function setSteps(bytes32[] calldata befores, bytes32[] calldata afters) external {
        for (uint256 i = 0; i < befores.length; i++) {
            next[befores[i]] = afters[i];
        }
    }

    /// @inheritdoc IOneStepProver
    function proveOneStep(StepContext calldata ctx, bytes32 beforeHash, bytes calldata proof)
        external
        view
        returns (bytes32 afterHash)
    {
        bytes32 claimed = proof.length == 32 ? bytes32(proof) : bytes32(0);
        if (claimed != ctx.codeRoot) revert WrongCodeRoot(ctx.codeRoot, claimed);
        afterHash = next[beforeHash];
        if (afterHash == bytes32(0)) afterHash = beforeHash;
    }
}
