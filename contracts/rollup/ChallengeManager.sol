// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BondLedger} from "./BondLedger.sol";
import {IOneStepProver, StepContext} from "../osp/IOneStepProver.sol";
import {BatchMerkle} from "./BatchMerkle.sol";
import {Bridge} from "./Bridge.sol";
import {BatchHeader, MachineOpening, RollupHashes} from "./RollupHashes.sol";
import {Rollup} from "./Rollup.sol";
import {SequencerInbox} from "./SequencerInbox.sol";

/// @notice A bisection as posted: positions lo < hi and the mover's values at the part boundaries
///         b_j = lo + floor(j * (hi - lo) / parts), j = 0 .. parts, with parts = values.length - 1.
struct Segment {
    uint64 lo;
    uint64 hi;
    bytes32[] values;
}

/// @notice Where transaction i of the disputed assertion is, and its bytes.
struct TransactionProof {
    /// @dev The batch holding it (also its L2 block number).
    uint64 batchNumber;
    BatchHeader batch;
    bytes transaction;
    /// @dev For a sequencer transaction: its Merkle proof in the batch's tree (leaf level first).
    bytes32[] siblings;
    /// @dev For a delayed message: when it was queued (part of the accumulator link).
    uint64 queuedAt;
}

/// @notice At the step level: the agreed root before the disputed transaction and each party's root after it.
struct StepRoots {
    bytes32 rootBefore;
    bytes32 defenderRoot;
    bytes32 challengerRoot;
}

/// @notice The engine's machine before the first step of a transaction, minus its global state: the same for
///         every transaction of one engine build (docs/machine.md, "Transactions").
struct InitialMachine {
    bytes32 statusWord;
    bytes32 valueStackHash;
    bytes32 frameStackHash;
    bytes32 globalsRoot;
    bytes32 memoryRoot;
    bytes32 codeRoot;
    bytes32 tableRoot;
}

/// @title The challenge manager: a two-level n-ary bisection game between an assertion's proposer and a
///        challenger, with a chess clock each, ending in the one-step prover.
/// @notice The game (docs/protocol.md, "Challenge game"). Positions at the transaction level are the assertion's
///         transactions (value at p: the state root after p of them); at the step level, the steps of one
///         transaction (value at s: the machine hash after s steps, 0 .. MAX_TX_STEPS). A challenge starts with
///         the proposer's one-part segment (0, N, [parent root, claimed root]). Every move then picks a part
///         b_k .. b_k+1 of the opponent's last segment (agreeing with the value at b_k, disagreeing at b_k+1) and:
///         - if the part spans more than one position, bisects it into min(degree, span) parts, ending in a value
///           different from the opponent's ({bisect}; at the step level, a segment ending at MAX_TX_STEPS opens
///           its last machine hash, which must hold the mover's root after the transaction: {bisectToEnd});
///         - if it is one transaction, proves that transaction's bytes against the inbox, computes its initial
///           machine hash on-chain and bisects its steps, opening the last machine hash ({switchToStep});
///         - if it is one step, runs the one-step prover from the agreed hash: a result different from the
///           opponent's value wins the challenge ({proveStep}).
///         Moves alternate, the challenger first, whose first move must come within `firstMoveDeadline` (so an
///         unplayed challenge ends quickly). A party whose clock runs out loses ({timeout}). A game decides
///         something only while its assertion stands ({Rollup.isStanding}): once the assertion is rejected, or dead
///         (its parent rejected, a sibling confirmed), the game ends by any path (a move that would win, a timeout,
///         {dismiss} at once) refunding the challenger's bond, and nobody wins the other's.
/// @dev Safety argument (1 vs 1): the honest party only posts true values and always picks the first part it
///      disagrees with, so every agreed value is true; the last machine hash of a transaction determines the root
///      after it, so a false root claim forces a false final hash; hence the game ends on one step from a true
///      hash where the dishonest value is false, which the honest party proves and the dishonest cannot.
contract ChallengeManager is BondLedger {
    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @dev The value sent is not the challenge bond.
    error WrongBond(uint256 expected, uint256 sent);
    /// @dev The assertion executes no transaction, so its root is its parent's and cannot be wrong.
    error NothingToDispute(bytes32 assertion);
    /// @dev The challenge is not open.
    error ChallengeNotOpen(uint256 id);
    /// @dev It is the other party's turn (or the caller is not a party).
    error NotYourTurn(uint256 id, address expected);
    /// @dev The mover's clock ran out before this move.
    error ClockExpired(uint256 id, uint64 elapsed, uint64 left);
    /// @dev The clock of the party to move has not run out.
    error ClockNotExpired(uint256 id, uint64 elapsed, uint64 left);
    /// @dev The segment given is not the last one posted.
    error CommitmentMismatch(uint256 id, bytes32 expected, bytes32 got);
    /// @dev A part index past the segment's parts.
    error PartOutOfRange(uint256 k, uint256 parts);
    /// @dev The move does not fit the picked part's span or level.
    error WrongMove(uint256 id, uint8 level, uint64 span);
    /// @dev A bisection with the wrong number of values (expected parts + 1).
    error WrongValueCount(uint256 expected, uint256 got);
    /// @dev The bisection does not start from the agreed value.
    error StartMismatch(bytes32 agreed, bytes32 got);
    /// @dev The bisection agrees with the opponent at its end: nothing is disputed.
    error NoDisagreement(bytes32 value);
    /// @dev The last machine hash's opening does not hash to the claimed value.
    error OpeningMismatch(bytes32 claimed, bytes32 opened);
    /// @dev The last machine hash is still running: no transaction ends that way within MAX_TX_STEPS.
    error MachineStillRunning();
    /// @dev The step-level roots given are not the ones recorded at the level switch.
    error StepRootsMismatch(uint256 id);
    /// @dev The opened final machine holds a root other than the mover's claim.
    error EndRootMismatch(bytes32 claimed, bytes32 opened);
    /// @dev The batch header is not the inbox's record.
    error BatchMismatch(uint64 batch);
    /// @dev The transaction is not in the batch, or its bytes do not match the batch's commitment.
    error TransactionNotProven(uint64 globalIndex);
    /// @dev The one-step proof agrees with the opponent's value.
    error StepAgrees(bytes32 afterHash);
    /// @dev The assertion still stands (pending, parent not rejected, no sibling confirmed): it cannot be dismissed.
    error NotDismissable(uint256 id);
    /// @dev A proposer cannot challenge its own assertion (from its own address).
    error OwnAssertion(bytes32 assertion);

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice A challenge on `assertion` over `transactions` transactions; the proposer's segment is
    ///         (0, transactions, [startRoot, claimedRoot]); the challenger moves first.
    event ChallengeStarted(
        uint256 indexed id,
        bytes32 indexed assertion,
        address indexed challenger,
        address defender,
        uint64 transactions,
        bytes32 startRoot,
        bytes32 claimedRoot
    );
    /// @notice `mover` posted a segment at `level` (0 transactions, 1 steps): the opponent answers it.
    event Bisected(uint256 indexed id, address indexed mover, uint8 level, uint64 lo, uint64 hi, bytes32[] values);
    /// @notice The dispute narrowed to transaction `txIndex` of the assertion (global index `globalIndex`); the step
    ///         level starts from `initialMachineHash`; `roots` are what {bisectToEnd} takes.
    event LevelSwitched(
        uint256 indexed id, uint64 txIndex, uint64 globalIndex, bytes32 initialMachineHash, StepRoots roots
    );
    /// @notice The challenge ended; `reason`: 0 clock ran out, 1 one-step proof, 2 dismissed (the assertion no longer
    ///         stood: the challenger's bond was refunded, whatever path ended the game).
    event ChallengeEnded(uint256 indexed id, bytes32 indexed assertion, bool defenderWon, uint8 reason);

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    uint8 internal constant LEVEL_TRANSACTION = 0;
    uint8 internal constant LEVEL_STEP = 1;
    uint8 internal constant OPEN = 1;
    uint8 internal constant DEFENDER_WON = 2;
    uint8 internal constant CHALLENGER_WON = 3;
    uint8 internal constant DISMISSED = 4;

    struct Challenge {
        bytes32 assertion;
        address defender;
        /// @dev Global index of the assertion's first transaction.
        uint64 txStart;
        address challenger;
        /// @dev Seconds left on each clock, as of lastMoveAt.
        uint64 defenderClock;
        uint64 challengerClock;
        uint64 lastMoveAt;
        bool challengerToMove;
        /// @dev Whether the challenger made its first move (until then its clock is capped at firstMoveDeadline).
        bool challengerMoved;
        uint8 level;
        uint8 status;
        /// @dev RollupHashes.bisectionCommitment of the last segment posted.
        bytes32 commitment;
        /// @dev Step level: RollupHashes.stepClaims of the agreed root before the disputed transaction and each
        ///      party's root after it (one slot instead of three: the level switch is the costliest move).
        bytes32 stepClaims;
    }

    /// @notice Deployment parameters (docs/protocol.md, "Parameters").
    struct Config {
        /// @dev Wei bonded per challenge.
        uint256 challengeBond;
        /// @dev Seconds on each party's chess clock.
        uint64 clock;
        /// @dev Seconds the challenger has for its first move (capped at `clock`); its clock then goes on from
        ///      `clock` less the time taken.
        uint64 firstMoveDeadline;
        /// @dev Parts per bisection (>= 2).
        uint64 degree;
        /// @dev The engine's TX_GAS_LIMIT (vm/params.ts); MAX_TX_STEPS = 2 * TX_GAS_LIMIT.
        uint64 txGasLimit;
        /// @dev Basis points of a lost challenge bond that are burned rather than paid to the defender.
        uint16 burnShareBps;
    }

    /// @dev The part a move picked: its bounds, the agreed value at lo and the opponent's value at hi.
    struct Pick {
        uint64 lo;
        uint64 hi;
        bytes32 agreed;
        bytes32 opponentEnd;
    }

    Rollup public immutable rollup;
    SequencerInbox public immutable inbox;
    Bridge public immutable bridge;
    IOneStepProver public immutable prover;
    uint256 public immutable challengeBond;
    uint64 public immutable clock;
    uint64 public immutable firstMoveDeadline;
    uint64 public immutable degree;
    uint64 public immutable txGasLimit;
    /// @notice Steps a transaction runs at most: the step level's last position.
    uint64 public immutable maxTxSteps;
    uint16 public immutable burnShareBps;
    bytes32 internal immutable m0Status;
    bytes32 internal immutable m0ValueStack;
    bytes32 internal immutable m0FrameStack;
    bytes32 internal immutable m0Globals;
    bytes32 internal immutable m0Memory;
    bytes32 internal immutable m0Code;
    bytes32 internal immutable m0Table;

    mapping(uint256 => Challenge) internal challenges;
    uint256 public challengeCount;
    /// @notice Wei of bonds burned (locked here forever).
    uint256 public burned;

    constructor(Rollup rollup_, IOneStepProver prover_, Config memory config, InitialMachine memory machine) {
        rollup = rollup_;
        inbox = rollup_.inbox();
        bridge = inbox.bridge();
        prover = prover_;
        challengeBond = config.challengeBond;
        clock = config.clock;
        firstMoveDeadline = config.firstMoveDeadline < config.clock ? config.firstMoveDeadline : config.clock;
        degree = config.degree < 2 ? 2 : config.degree;
        txGasLimit = config.txGasLimit;
        maxTxSteps = 2 * config.txGasLimit;
        burnShareBps = config.burnShareBps;
        m0Status = machine.statusWord;
        m0ValueStack = machine.valueStackHash;
        m0FrameStack = machine.frameStackHash;
        m0Globals = machine.globalsRoot;
        m0Memory = machine.memoryRoot;
        m0Code = machine.codeRoot;
        m0Table = machine.tableRoot;
    }

    /*//////////////////////////////////////////////////////////////
                                 MOVES
    //////////////////////////////////////////////////////////////*/

    /// @notice Challenge a pending assertion in its challenge period, with the bond.
    /// @return id the challenge's id
    function startChallenge(bytes32 assertion) external payable returns (uint256 id) {
        if (msg.value != challengeBond) revert WrongBond(challengeBond, msg.value);
        (Rollup.Assertion memory a, bytes32 startRoot, uint64 txStart) = rollup.openChallenge(assertion);
        if (msg.sender == a.proposer) revert OwnAssertion(assertion);
        uint64 n = a.txEnd - txStart;
        if (n == 0) revert NothingToDispute(assertion);
        id = ++challengeCount;
        Challenge storage c = challenges[id];
        c.assertion = assertion;
        c.defender = a.proposer;
        c.txStart = txStart;
        c.challenger = msg.sender;
        c.defenderClock = clock;
        c.challengerClock = clock;
        c.lastMoveAt = uint64(block.timestamp);
        c.challengerToMove = true;
        c.status = OPEN;
        bytes32[] memory values = new bytes32[](2);
        values[0] = startRoot;
        values[1] = a.stateRoot;
        c.commitment = keccak256(abi.encodePacked(RollupHashes.BISECTION, uint64(0), n, values));
        emit ChallengeStarted(id, assertion, msg.sender, a.proposer, n, startRoot, a.stateRoot);
    }

    /// @notice Pick part `k` of the opponent's segment `prev` and bisect it with `values` (not at the step level's
    ///         last part: see {bisectToEnd}).
    function bisect(uint256 id, Segment calldata prev, uint256 k, bytes32[] calldata values) external {
        _bisect(challenges[id], id, prev, k, values, false);
    }

    /// @notice At the step level, pick the opponent's last part (ending at MAX_TX_STEPS) and bisect it; `end` opens
    ///         the mover's last machine hash, which must hold the mover's root after the transaction; `roots` are the
    ///         ones {LevelSwitched} announced.
    function bisectToEnd(
        uint256 id,
        Segment calldata prev,
        uint256 k,
        bytes32[] calldata values,
        MachineOpening calldata end,
        StepRoots calldata roots
    ) external {
        Challenge storage c = challenges[id];
        if (_stepClaims(roots) != c.stepClaims) revert StepRootsMismatch(id);
        bytes32 root = _rootAfter(roots.rootBefore, _last(values), end);
        bytes32 claimed = c.challengerToMove ? roots.challengerRoot : roots.defenderRoot;
        if (root != claimed) revert EndRootMismatch(claimed, root);
        _bisect(c, id, prev, k, values, true);
    }

    /// @notice Pick a one-transaction part of the opponent's transaction-level segment and move to the step level:
    ///         prove the transaction, open the mover's last machine hash (its root after the transaction must differ
    ///         from the opponent's) and bisect the steps with `values` (values[0] must be the initial machine hash).
    function switchToStep(
        uint256 id,
        Segment calldata prev,
        uint256 k,
        TransactionProof calldata tp,
        MachineOpening calldata end,
        bytes32[] calldata values
    ) external {
        Challenge storage c = challenges[id];
        Pick memory p = _pick(c, id, prev, k);
        if (c.level != LEVEL_TRANSACTION || p.hi - p.lo != 1) revert WrongMove(id, c.level, p.hi - p.lo);
        bytes32 m0 = _initialMachineHash(c.txStart + p.lo, p.agreed, tp);
        bytes32 myRoot = _rootAfter(p.agreed, _last(values), end);
        if (myRoot == p.opponentEnd) revert NoDisagreement(myRoot);
        StepRoots memory roots = c.challengerToMove
            ? StepRoots({rootBefore: p.agreed, defenderRoot: p.opponentEnd, challengerRoot: myRoot})
            : StepRoots({rootBefore: p.agreed, defenderRoot: myRoot, challengerRoot: p.opponentEnd});
        c.stepClaims = _stepClaims(roots);
        emit LevelSwitched(id, p.lo, c.txStart + p.lo, m0, roots);
        c.level = LEVEL_STEP;
        // The step level starts from the initial machine hash; the opponent's final hash is unknown here, but the
        // roots differ, so the final hashes differ too (a zero word stands for it).
        _post(c, id, Pick({lo: 0, hi: maxTxSteps, agreed: m0, opponentEnd: bytes32(0)}), values);
    }

    /// @notice Pick a one-step part of the opponent's step-level segment and execute that step on-chain: the
    ///         mover wins if the result differs from the opponent's value after it.
    function proveStep(uint256 id, Segment calldata prev, uint256 k, bytes calldata proof) external {
        Challenge storage c = challenges[id];
        Pick memory p = _pick(c, id, prev, k);
        if (c.level != LEVEL_STEP || p.hi - p.lo != 1) revert WrongMove(id, c.level, p.hi - p.lo);
        bytes32 afterHash = prover.proveOneStep(StepContext({codeRoot: m0Code}), p.agreed, proof);
        if (afterHash == p.opponentEnd) revert StepAgrees(afterHash);
        _end(c, id, c.challengerToMove ? CHALLENGER_WON : DEFENDER_WON, 1);
    }

    /// @notice End a challenge whose party to move let its clock run out: the other party wins.
    function timeout(uint256 id) external {
        Challenge storage c = challenges[id];
        if (c.status != OPEN) revert ChallengeNotOpen(id);
        uint64 elapsed = uint64(block.timestamp) - c.lastMoveAt;
        uint64 left = _left(c);
        if (elapsed <= left) revert ClockNotExpired(id, elapsed, left);
        _end(c, id, c.challengerToMove ? DEFENDER_WON : CHALLENGER_WON, 0);
    }

    /// @notice End at once a challenge whose assertion no longer stands (rejected by another challenge, or dead: its
    ///         parent rejected, a sibling confirmed). The challenger's bond is refunded (with its share of a
    ///         forfeited assertion bond); a dead assertion's own bond comes back through {Rollup.reject}.
    function dismiss(uint256 id) external {
        Challenge storage c = challenges[id];
        if (c.status != OPEN) revert ChallengeNotOpen(id);
        if (rollup.isStanding(c.assertion)) revert NotDismissable(id);
        _dismiss(c, id);
    }

    /// @notice Seconds the party to move has left on its clock as of its opponent's last move.
    function clockLeft(uint256 id) external view returns (uint64) {
        return _left(challenges[id]);
    }

    /// @notice The stored challenge.
    function getChallenge(uint256 id) external view returns (Challenge memory) {
        return challenges[id];
    }

    /// @notice The initial machine hash of a transaction: keccak(0x10 || the seven engine words || global state)
    ///         with global state keccak(0x17 || rootBefore || inputHash || batchContext || gasWord).
    function initialMachineHash(bytes32 rootBefore, bytes32 inputHash, bytes32 context) public view returns (bytes32) {
        bytes32 global = RollupHashes.globalStateHash(rootBefore, inputHash, context, bytes32(uint256(txGasLimit)));
        return keccak256(
            abi.encodePacked(
                RollupHashes.MACHINE_STATE,
                m0Status,
                m0ValueStack,
                m0FrameStack,
                m0Globals,
                m0Memory,
                m0Code,
                m0Table,
                global
            )
        );
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev Checks turn, clock and commitment; returns the picked part.
    function _pick(Challenge storage c, uint256 id, Segment calldata prev, uint256 k)
        internal
        view
        returns (Pick memory p)
    {
        if (c.status != OPEN) revert ChallengeNotOpen(id);
        address mover = c.challengerToMove ? c.challenger : c.defender;
        if (msg.sender != mover) revert NotYourTurn(id, mover);
        uint64 elapsed = uint64(block.timestamp) - c.lastMoveAt;
        uint64 left = _left(c);
        if (elapsed > left) revert ClockExpired(id, elapsed, left);
        bytes32 got = RollupHashes.bisectionCommitment(prev.lo, prev.hi, prev.values);
        if (got != c.commitment) revert CommitmentMismatch(id, c.commitment, got);
        uint256 parts = prev.values.length - 1;
        if (k >= parts) revert PartOutOfRange(k, parts);
        uint256 span = prev.hi - prev.lo;
        p.lo = uint64(prev.lo + k * span / parts);
        p.hi = uint64(prev.lo + (k + 1) * span / parts);
        p.agreed = prev.values[k];
        p.opponentEnd = prev.values[k + 1];
    }

    function _bisect(
        Challenge storage c,
        uint256 id,
        Segment calldata prev,
        uint256 k,
        bytes32[] calldata values,
        bool toEnd
    ) internal {
        Pick memory p = _pick(c, id, prev, k);
        bool endPart = c.level == LEVEL_STEP && p.hi == maxTxSteps;
        if (p.hi - p.lo < 2 || endPart != toEnd) revert WrongMove(id, c.level, p.hi - p.lo);
        _post(c, id, p, values);
    }

    /// @dev Records the mover's segment over p.lo .. p.hi and hands the turn over.
    function _post(Challenge storage c, uint256 id, Pick memory p, bytes32[] calldata values) internal {
        uint64 span = p.hi - p.lo;
        uint256 parts = span < degree ? span : degree;
        if (values.length != parts + 1) revert WrongValueCount(parts + 1, values.length);
        if (values[0] != p.agreed) revert StartMismatch(p.agreed, values[0]);
        if (values[parts] == p.opponentEnd) revert NoDisagreement(p.opponentEnd);
        c.commitment = RollupHashes.bisectionCommitment(p.lo, p.hi, values);
        uint64 elapsed = uint64(block.timestamp) - c.lastMoveAt;
        if (c.challengerToMove) {
            c.challengerClock -= elapsed;
            c.challengerMoved = true;
        } else {
            c.defenderClock -= elapsed;
        }
        c.lastMoveAt = uint64(block.timestamp);
        c.challengerToMove = !c.challengerToMove;
        emit Bisected(id, msg.sender, c.level, p.lo, p.hi, values);
    }

    /// @dev The last value of a segment (a bisection posts at least 3 values; {_post} checks the exact count).
    function _last(bytes32[] calldata values) internal pure returns (bytes32) {
        if (values.length < 3) revert WrongValueCount(3, values.length);
        return values[values.length - 1];
    }

    /// @dev The root after a transaction whose last machine hash `finalHash` is opened by `end`.
    function _rootAfter(bytes32 rootBefore, bytes32 finalHash, MachineOpening calldata end)
        internal
        pure
        returns (bytes32)
    {
        bytes32 opened = RollupHashes.machineHash(end);
        if (opened != finalHash) revert OpeningMismatch(finalHash, opened);
        uint8 status = uint8(end.statusWord[0]);
        if (status == 0) revert MachineStillRunning();
        // Halted: the transaction executed. Trapped, out of gas or reverted: its writes are discarded.
        return status == 1 ? end.stateRoot : rootBefore;
    }

    /// @dev Proves global transaction `g`'s bytes against the inbox and returns its initial machine hash.
    function _initialMachineHash(uint64 g, bytes32 rootBefore, TransactionProof calldata tp)
        internal
        view
        returns (bytes32)
    {
        BatchHeader calldata b = tp.batch;
        if (RollupHashes.batchHash(b) != inbox.batchHashes(tp.batchNumber)) revert BatchMismatch(tp.batchNumber);
        uint64 delayed = b.delayedAfter - b.delayedBefore;
        if (g < b.txsBefore || g >= b.txsBefore + delayed + b.seqCount) revert TransactionNotProven(g);
        uint64 local = g - b.txsBefore;
        bytes32 txHash = RollupHashes.transactionHash(tp.transaction);
        uint64 origin;
        if (local < delayed) {
            uint64 j = b.delayedBefore + local;
            bytes32 link = RollupHashes.delayedAccumulate(bridge.accumulatorAt(j), tp.queuedAt, txHash);
            if (link != bridge.accumulatorAt(j + 1)) revert TransactionNotProven(g);
            origin = 1;
        } else if (!BatchMerkle.verifyTransaction(b.txRoot, b.seqCount, txHash, local - delayed, tp.siblings)) {
            revert TransactionNotProven(g);
        }
        return initialMachineHash(rootBefore, txHash, RollupHashes.batchContext(b.timestamp, tp.batchNumber, origin));
    }

    function _stepClaims(StepRoots memory r) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(RollupHashes.STEP_CLAIMS, r.rootBefore, r.defenderRoot, r.challengerRoot));
    }

    /// @dev The clock of the party to move: the challenger's first move is capped at firstMoveDeadline.
    function _left(Challenge storage c) internal view returns (uint64) {
        if (!c.challengerToMove) return c.defenderClock;
        if (c.challengerMoved || c.challengerClock < firstMoveDeadline) return c.challengerClock;
        return firstMoveDeadline;
    }

    function _dismiss(Challenge storage c, uint256 id) internal {
        c.status = DISMISSED;
        _credit(c.challenger, challengeBond);
        rollup.closeChallenge(c.assertion, false, c.challenger);
        emit ChallengeEnded(id, c.assertion, false, 2);
    }

    /// @dev Ends a game by its verdict, unless its assertion no longer stands: then it is a dismissal.
    function _end(Challenge storage c, uint256 id, uint8 outcome, uint8 reason) internal {
        if (!rollup.isStanding(c.assertion)) return _dismiss(c, id);
        c.status = outcome;
        bool defenderWon = outcome == DEFENDER_WON;
        if (defenderWon) {
            uint256 burn = challengeBond * burnShareBps / 10_000;
            burned += burn;
            _credit(c.defender, challengeBond - burn);
        } else {
            _credit(c.challenger, challengeBond);
        }
        rollup.closeChallenge(c.assertion, !defenderWon, c.challenger);
        emit ChallengeEnded(id, c.assertion, defenderWon, reason);
    }
}
