// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice What a one-step proof may need besides the machine hash. The machine hash already commits to the code,
///         the input hash and the state root, so the context only pins the engine build the dispute is about.
struct StepContext {
    /// @dev The code Merkle root of the engine (docs/machine.md, "Machine state hash"); a proof revealing another
    ///      code root is rejected.
    bytes32 codeRoot;
}

/// @title The one-step prover's single entry point (docs/machine.md, "One-step proof").
/// @notice The challenge manager calls this at the end of a step-level bisection: given the machine hash before step
///         i and a proof that opens just the parts the step touches, it returns the machine hash after the step.
interface IOneStepProver {
    /// @notice Execute one machine step on-chain.
    /// @dev Implemented by OneStepProver (contracts/osp/OneStepProver.sol), which follows the TypeScript reference
    ///      `vm/proof/verifyStep.ts` bit for bit. A proof that does not open `beforeHash`, reveals another code root
    ///      than `ctx.codeRoot`, fails any check or is not consumed exactly reverts with a custom error; a step that
    ///      traps or runs out of gas is a valid step and returns the stopped machine's hash.
    /// @param ctx the engine the dispute is about
    /// @param beforeHash the machine-state hash before the step
    /// @param proof the step's proof data, in the format of docs/machine.md
    /// @return afterHash the machine-state hash after the step (equal to beforeHash for a machine that has stopped)
    function proveOneStep(StepContext calldata ctx, bytes32 beforeHash, bytes calldata proof)
        external
        view
        returns (bytes32 afterHash);
}
