// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Instruction} from "./Instructions.sol";
import {GlobalState, Machine} from "./MachineState.sol";

/// @title IStepExecutor
/// @notice A family of instructions of the one-step prover kept in its own contract to stay under the EVM
///         code-size limit (today host I/O: OneStepProverHostIo; math, control and memory are libraries inside the
///         entry). The entry contract (OneStepProver) has already checked the header against the machine hash,
///         fetched the instruction from the code tree and charged its gas.
interface IStepExecutor {
    /// @notice Executes `ins` on `m` and `g`, reading its witnesses from `proof` at offset `at`.
    /// @dev Reverts with a custom error on a malformed witness. A trap is a valid outcome: `m.status` and `m.trap`
    ///      say so, and no witness is read past the point where the trap is known.
    /// @return mOut the machine after the step (registers and part hashes)
    /// @return gOut the global state after the step
    /// @return next the offset after the last witness read (the entry requires it to be the proof's end)
    function execute(Machine calldata m, GlobalState calldata g, Instruction calldata ins, bytes calldata proof, uint256 at)
        external
        view
        returns (Machine memory mOut, GlobalState memory gOut, uint256 next);
}
