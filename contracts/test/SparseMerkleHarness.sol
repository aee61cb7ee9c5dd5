// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SparseMerkle} from "../state/SparseMerkle.sol";

/// @title SparseMerkleHarness
/// @notice Exposes {SparseMerkle} to tests: single calls, gas-measuring calls,
/// and batches (with reverts caught per item) so that thousands of proofs can be
/// checked in a few calls.
/// @dev Test-only; not part of the protocol.
contract SparseMerkleHarness {
    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                       CUSTOM ERRORS                        */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @dev The arrays of a batch call have different lengths.
    error BatchLengthMismatch();

    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                      SINGLE OPERATIONS                     */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @notice {SparseMerkle.read}.
    /// @param root The state root.
    /// @param key The tree key.
    /// @param proof The encoded proof.
    /// @return The value of `key`, zero if absent.
    function read(bytes32 root, bytes32 key, bytes calldata proof) external pure returns (bytes32) {
        return SparseMerkle.read(root, key, proof);
    }

    /// @notice {SparseMerkle.verify}.
    /// @param root The state root.
    /// @param key The tree key.
    /// @param value The expected value.
    /// @param proof The encoded proof.
    /// @return Whether the proof commits to `root` and reads `value`.
    function verify(bytes32 root, bytes32 key, bytes32 value, bytes calldata proof) external pure returns (bool) {
        return SparseMerkle.verify(root, key, value, proof);
    }

    /// @notice {SparseMerkle.write}.
    /// @param root The state root before the write.
    /// @param key The tree key.
    /// @param value The new value (zero deletes).
    /// @param proof The encoded proof against `root`.
    /// @return The state root after the write.
    function write(bytes32 root, bytes32 key, bytes32 value, bytes calldata proof)
        external
        pure
        returns (bytes32)
    {
        return SparseMerkle.write(root, key, value, proof);
    }

    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                       GAS MEASUREMENT                      */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @notice {SparseMerkle.read} with the execution gas of the library call.
    /// @param root The state root.
    /// @param key The tree key.
    /// @param proof The encoded proof.
    /// @return value The value of `key`.
    /// @return gasUsed The gas spent inside the library call (gasleft() before minus after).
    function readGas(bytes32 root, bytes32 key, bytes calldata proof)
        external
        view
        returns (bytes32 value, uint256 gasUsed)
    {
        uint256 before = gasleft();
        value = SparseMerkle.read(root, key, proof);
        gasUsed = before - gasleft();
    }

    /// @notice {SparseMerkle.verify} with the execution gas of the library call.
    /// @param root The state root.
    /// @param key The tree key.
    /// @param value The expected value.
    /// @param proof The encoded proof.
    /// @return ok Whether the proof commits to `root` and reads `value`.
    /// @return gasUsed The gas spent inside the library call.
    function verifyGas(bytes32 root, bytes32 key, bytes32 value, bytes calldata proof)
        external
        view
        returns (bool ok, uint256 gasUsed)
    {
        uint256 before = gasleft();
        ok = SparseMerkle.verify(root, key, value, proof);
        gasUsed = before - gasleft();
    }

    /// @notice {SparseMerkle.write} with the execution gas of the library call.
    /// @param root The state root before the write.
    /// @param key The tree key.
    /// @param value The new value (zero deletes).
    /// @param proof The encoded proof against `root`.
    /// @return newRoot The state root after the write.
    /// @return gasUsed The gas spent inside the library call.
    function writeGas(bytes32 root, bytes32 key, bytes32 value, bytes calldata proof)
        external
        view
        returns (bytes32 newRoot, uint256 gasUsed)
    {
        uint256 before = gasleft();
        newRoot = SparseMerkle.write(root, key, value, proof);
        gasUsed = before - gasleft();
    }

    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                     CAUGHT OPERATIONS                      */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @notice {SparseMerkle.read} with a revert caught (through an external self-call).
    /// @param root The state root.
    /// @param key The tree key.
    /// @param proof The encoded proof.
    /// @return ok False if the read reverted.
    /// @return value The value read (zero if reverted).
    /// @return err The revert's selector (zero if it did not revert).
    function tryRead(bytes32 root, bytes32 key, bytes calldata proof)
        public
        view
        returns (bool ok, bytes32 value, bytes4 err)
    {
        try this.read(root, key, proof) returns (bytes32 v) {
            return (true, v, bytes4(0));
        } catch (bytes memory reason) {
            return (false, bytes32(0), bytes4(reason));
        }
    }

    /// @notice {SparseMerkle.verify} with a revert caught (through an external self-call).
    /// @param root The state root.
    /// @param key The tree key.
    /// @param value The expected value.
    /// @param proof The encoded proof.
    /// @return ok False if verify reverted.
    /// @return result What verify returned (false if reverted).
    /// @return err The revert's selector (zero if it did not revert).
    function tryVerify(bytes32 root, bytes32 key, bytes32 value, bytes calldata proof)
        public
        view
        returns (bool ok, bool result, bytes4 err)
    {
        try this.verify(root, key, value, proof) returns (bool r) {
            return (true, r, bytes4(0));
        } catch (bytes memory reason) {
            return (false, false, bytes4(reason));
        }
    }

    /// @notice {SparseMerkle.write} with a revert caught (through an external self-call).
    /// @param root The state root before the write.
    /// @param key The tree key.
    /// @param value The new value (zero deletes).
    /// @param proof The encoded proof against `root`.
    /// @return ok False if the write reverted.
    /// @return newRoot The root after the write (zero if reverted).
    /// @return err The revert's selector (zero if it did not revert).
    function tryWrite(bytes32 root, bytes32 key, bytes32 value, bytes calldata proof)
        public
        view
        returns (bool ok, bytes32 newRoot, bytes4 err)
    {
        try this.write(root, key, value, proof) returns (bytes32 r) {
            return (true, r, bytes4(0));
        } catch (bytes memory reason) {
            return (false, bytes32(0), bytes4(reason));
        }
    }

    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                          BATCHES                           */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @notice {SparseMerkle.read} on each item; reverts if any read does.
    /// @param roots The state roots.
    /// @param keys The tree keys.
    /// @param proofs The encoded proofs.
    /// @return values The values read.
    function readMany(bytes32[] calldata roots, bytes32[] calldata keys, bytes[] calldata proofs)
        external
        pure
        returns (bytes32[] memory values)
    {
        uint256 n = roots.length;
        if (keys.length != n || proofs.length != n) revert BatchLengthMismatch();
        values = new bytes32[](n);
        for (uint256 i; i < n; ++i) {
            values[i] = SparseMerkle.read(roots[i], keys[i], proofs[i]);
        }
    }

    /// @notice {SparseMerkle.verify} on each item; reverts if any verify does.
    /// @param roots The state roots.
    /// @param keys The tree keys.
    /// @param values The expected values.
    /// @param proofs The encoded proofs.
    /// @return results What verify returned for each item.
    function verifyMany(
        bytes32[] calldata roots,
        bytes32[] calldata keys,
        bytes32[] calldata values,
        bytes[] calldata proofs
    ) external pure returns (bool[] memory results) {
        uint256 n = roots.length;
        if (keys.length != n || values.length != n || proofs.length != n) revert BatchLengthMismatch();
        results = new bool[](n);
        for (uint256 i; i < n; ++i) {
            results[i] = SparseMerkle.verify(roots[i], keys[i], values[i], proofs[i]);
        }
    }

    /// @notice {SparseMerkle.write} on each item; reverts if any write does.
    /// @param roots The state roots before the writes.
    /// @param keys The tree keys.
    /// @param values The new values.
    /// @param proofs The encoded proofs.
    /// @return newRoots The root after each write (each against its own root).
    function writeMany(
        bytes32[] calldata roots,
        bytes32[] calldata keys,
        bytes32[] calldata values,
        bytes[] calldata proofs
    ) external pure returns (bytes32[] memory newRoots) {
        uint256 n = roots.length;
        if (keys.length != n || values.length != n || proofs.length != n) revert BatchLengthMismatch();
        newRoots = new bytes32[](n);
        for (uint256 i; i < n; ++i) {
            newRoots[i] = SparseMerkle.write(roots[i], keys[i], values[i], proofs[i]);
        }
    }

    /// @notice {tryRead} on each item.
    /// @param roots The state roots.
    /// @param keys The tree keys.
    /// @param proofs The encoded proofs.
    /// @return oks Whether each read succeeded.
    /// @return values The values read (zero where reverted).
    /// @return errs The revert selectors (zero where it succeeded).
    function tryReadMany(bytes32[] calldata roots, bytes32[] calldata keys, bytes[] calldata proofs)
        external
        view
        returns (bool[] memory oks, bytes32[] memory values, bytes4[] memory errs)
    {
        uint256 n = roots.length;
        if (keys.length != n || proofs.length != n) revert BatchLengthMismatch();
        oks = new bool[](n);
        values = new bytes32[](n);
        errs = new bytes4[](n);
        for (uint256 i; i < n; ++i) {
            (oks[i], values[i], errs[i]) = tryRead(roots[i], keys[i], proofs[i]);
        }
    }

    /// @notice {tryVerify} on each item.
    /// @param roots The state roots.
    /// @param keys The tree keys.
    /// @param values The expected values.
    /// @param proofs The encoded proofs.
    /// @return oks Whether each verify returned (did not revert).
    /// @return results What verify returned (false where reverted).
    /// @return errs The revert selectors (zero where it did not revert).
    function tryVerifyMany(
        bytes32[] calldata roots,
        bytes32[] calldata keys,
        bytes32[] calldata values,
        bytes[] calldata proofs
    ) external view returns (bool[] memory oks, bool[] memory results, bytes4[] memory errs) {
        uint256 n = roots.length;
        if (keys.length != n || values.length != n || proofs.length != n) revert BatchLengthMismatch();
        oks = new bool[](n);
        results = new bool[](n);
        errs = new bytes4[](n);
        for (uint256 i; i < n; ++i) {
            (oks[i], results[i], errs[i]) = tryVerify(roots[i], keys[i], values[i], proofs[i]);
        }
    }

    /// @notice {tryWrite} on each item.
    /// @param roots The state roots before the writes.
    /// @param keys The tree keys.
    /// @param values The new values.
    /// @param proofs The encoded proofs.
    /// @return oks Whether each write succeeded.
    /// @return newRoots The root after each write (zero where reverted).
    /// @return errs The revert selectors (zero where it succeeded).
    function tryWriteMany(
        bytes32[] calldata roots,
        bytes32[] calldata keys,
        bytes32[] calldata values,
        bytes[] calldata proofs
    ) external view returns (bool[] memory oks, bytes32[] memory newRoots, bytes4[] memory errs) {
        uint256 n = roots.length;
        if (keys.length != n || values.length != n || proofs.length != n) revert BatchLengthMismatch();
        oks = new bool[](n);
        newRoots = new bytes32[](n);
        errs = new bytes4[](n);
        for (uint256 i; i < n; ++i) {
            (oks[i], newRoots[i], errs[i]) = tryWrite(roots[i], keys[i], values[i], proofs[i]);
        }
    }
}
