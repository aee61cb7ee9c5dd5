// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BondLedger} from "./BondLedger.sol";
import {SparseMerkle} from "../state/SparseMerkle.sol";
import {AssertionData, BatchHeader, RollupHashes} from "./RollupHashes.sol";
import {SequencerInbox} from "./SequencerInbox.sol";

/// @title The rollup: assertions about the L2 state, their bonds, confirmation and rejection.
/// @notice An assertion claims the state root and outbox root after executing every transaction of batches
///         parent.batchEnd .. batchEnd - 1 (docs/protocol.md, "Assertions"). It is posted with a bond, can be
///         challenged (by {ChallengeManager}) until its challenge period ends, and is confirmed afterwards if its
///         parent is the latest confirmed assertion and no challenge on it is open. Losing a challenge rejects it
///         and forfeits its bond: a burned share, and the rest split equally among every challenge open on it at
///         that moment (the winning one included), each paid when its game ends, so an honest watcher whose game
///         was still running is paid as much as the fastest winner (docs/protocol.md, "Assertions"). An assertion
///         rejected for any other reason (its parent was rejected, a sibling was confirmed) was never proven
///         wrong, so its bond is returned. On a permissioned rollup, proposing opens to anyone, for good, once no
///         assertion was created or confirmed for `proposerInactivity` seconds.
/// @dev Invariants: confirmed assertions form one chain from genesis; a bond is paid out exactly once (when its
///      assertion leaves Pending); a forfeited bond is paid out as one share per challenge open at rejection
///      (dust burned); ether held = withdrawable + burned + bonds of pending assertions + unpaid shares; bonds
///      are pulled ({withdrawBonds}), never pushed.
contract Rollup is BondLedger {
    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @dev The proposer is not on the allowlist (when the rollup is permissioned) and proposing is not open yet.
    error NotAllowedProposer(address proposer, uint64 opensAt);
    /// @dev The value sent is not the bond.
    error WrongBond(uint256 expected, uint256 sent);
    /// @dev No such assertion, or it is in a state that forbids the call.
    error BadAssertionStatus(bytes32 assertion, Status status);
    /// @dev The assertion does not cover at least one new batch, or covers batches not posted.
    error BadBatchRange(uint64 parentEnd, uint64 batchEnd, uint256 posted);
    /// @dev The last batch's header does not hash to the inbox's record.
    error BatchHeaderMismatch(uint64 batch);
    /// @dev The transaction or delayed count does not follow from the last batch.
    error CountMismatch(uint64 expectedTxEnd, uint64 expectedDelayedEnd);
    /// @dev An assertion with no transactions must keep its parent's state root.
    error EmptyAssertionChangesState();
    /// @dev The outbox root is not the value at OUTBOX_ROOT_KEY in the state root.
    error OutboxRootMismatch(bytes32 expected, bytes32 claimed);
    /// @dev The same assertion already exists.
    error AssertionExists(bytes32 assertion);
    /// @dev The challenge period has not ended.
    error ChallengePeriodNotOver(uint64 endsAt);
    /// @dev The challenge period has ended.
    error ChallengePeriodOver(uint64 endedAt);
    /// @dev The assertion's parent is not the latest confirmed assertion.
    error ParentNotLatestConfirmed(bytes32 parent, bytes32 latestConfirmed);
    /// @dev A challenge on the assertion is still open.
    error ChallengeOpen(bytes32 assertion, uint32 open);
    /// @dev Nothing allows rejecting the assertion (its parent stands and no sibling was confirmed).
    error NotRejectable(bytes32 assertion);
    /// @dev Only the challenge manager reports challenges.
    error NotChallengeManager(address caller);
    /// @dev Only the deployer connects the challenge manager, once.
    error NotDeployer(address caller);
    /// @dev No challenge manager is connected yet: an assertion could not be challenged.
    error NotConnected();
    /// @dev The challenge manager is already connected.
    error AlreadyConnected();
    /// @dev The assertion can no longer be confirmed (its parent was rejected or a sibling confirmed).
    error AssertionDead(bytes32 assertion);

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice A new assertion; challengeable until `deadline`.
    event AssertionCreated(
        bytes32 indexed assertion, bytes32 indexed parent, address indexed proposer, AssertionData data, uint64 deadline
    );
    /// @notice The assertion was confirmed: its state root now pays withdrawals ({Outbox.claim}).
    event AssertionConfirmed(bytes32 indexed assertion, bytes32 stateRoot, bytes32 outboxRoot);
    /// @notice The assertion was rejected; `lostChallenge` says whether its bond was forfeited.
    event AssertionRejected(bytes32 indexed assertion, bool lostChallenge);
    /// @notice A challenge on the assertion opened (count = challenges now open on it).
    event ChallengeOpened(bytes32 indexed assertion, uint32 count);
    /// @notice The challenge manager was connected.
    event ChallengeManagerConnected(address challengeManager);
    /// @notice A rejected assertion's bond, less the burn, is owed as `shares` equal parts of `perShare` wei, one to
    ///         the challenger of each challenge open on it at rejection (paid as each ends).
    event BondForfeited(bytes32 indexed assertion, uint32 shares, uint256 perShare, uint256 burned);
    /// @notice A challenge on the assertion closed (count = challenges still open on it).
    event ChallengeClosed(bytes32 indexed assertion, uint32 count);
    /// @notice No assertion was created or confirmed for `proposerInactivity` seconds: anyone may propose from now on.
    event ProposingOpened(uint64 at);

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    enum Status {
        None,
        Pending,
        Confirmed,
        Rejected
    }

    struct Assertion {
        bytes32 parent;
        bytes32 stateRoot;
        bytes32 outboxRoot;
        uint64 batchEnd;
        uint64 txEnd;
        uint64 delayedEnd;
        uint64 createdAt;
        address proposer;
        Status status;
        /// @dev Rejected by losing a challenge: its bond was forfeited to the challengers (see rewardPerShare).
        bool forfeited;
        uint32 openChallenges;
        /// @dev The child that was confirmed, once one is.
        bytes32 confirmedChild;
    }

    /// @notice Deployment parameters (docs/protocol.md, "Parameters").
    struct Config {
        /// @dev Seconds an assertion can be challenged.
        uint64 challengePeriod;
        /// @dev Wei bonded per assertion.
        uint256 assertionBond;
        /// @dev Basis points of a forfeited bond that are burned (kept locked here) rather than paid to the winner.
        uint16 burnShareBps;
        /// @dev Whether any bonded address may propose (else only the allowlist).
        bool permissionless;
        /// @dev Seconds without a new or confirmed assertion after which a permissioned rollup opens proposing to
        ///      anyone, for good (the allowlisted proposers stopped: forced withdrawals must still confirm).
        uint64 proposerInactivity;
    }

    /// @notice The state-tree key holding the outbox root: stateKey("optio/outbox-root") = keccak(0x03 || key).
    bytes32 public constant OUTBOX_ROOT_KEY = keccak256(abi.encodePacked(uint8(0x03), "optio/outbox-root"));

    SequencerInbox public immutable inbox;
    uint64 public immutable challengePeriod;
    uint256 public immutable assertionBond;
    uint16 public immutable burnShareBps;
    bool public immutable permissionless;
    uint64 public immutable proposerInactivity;
    address private immutable deployer;
    address public challengeManager;

    mapping(bytes32 => Assertion) internal assertions;
    mapping(address => bool) public allowedProposer;
    /// @notice The head of the confirmed chain.
    bytes32 public latestConfirmed;
    /// @notice The genesis assertion (confirmed at deployment).
    bytes32 public immutable genesis;
    /// @notice Wei burned (locked here forever).
    uint256 public burned;
    /// @notice What each challenge open on a forfeited assertion at its rejection is paid when it ends.
    mapping(bytes32 => uint256) public rewardPerShare;
    /// @notice When an assertion was last created or confirmed (deployment to start with).
    uint64 public lastProgressAt;
    /// @notice Whether proposing opened to anyone after `proposerInactivity` ({ProposingOpened}).
    bool public proposingOpened;

    constructor(SequencerInbox inbox_, Config memory config, bytes32 genesisStateRoot, address[] memory proposers) {
        inbox = inbox_;
        challengePeriod = config.challengePeriod;
        assertionBond = config.assertionBond;
        burnShareBps = config.burnShareBps;
        permissionless = config.permissionless;
        proposerInactivity = config.proposerInactivity;
        deployer = msg.sender;
        lastProgressAt = uint64(block.timestamp);
        for (uint256 i = 0; i < proposers.length; i++) {
            allowedProposer[proposers[i]] = true;
        }
        AssertionData memory g;
        g.stateRoot = genesisStateRoot;
        bytes32 hash = RollupHashes.assertionHash(g, address(0));
        Assertion storage a = assertions[hash];
        a.stateRoot = genesisStateRoot;
        a.createdAt = uint64(block.timestamp);
        a.status = Status.Confirmed;
        genesis = hash;
        latestConfirmed = hash;
        emit AssertionCreated(hash, bytes32(0), address(0), g, uint64(block.timestamp));
        emit AssertionConfirmed(hash, genesisStateRoot, bytes32(0));
    }

    /// @notice Connect the challenge manager (once, by the deployer: the two contracts reference each other).
    function connect(address challengeManager_) external {
        if (msg.sender != deployer) revert NotDeployer(msg.sender);
        if (challengeManager != address(0)) revert AlreadyConnected();
        challengeManager = challengeManager_;
        emit ChallengeManagerConnected(challengeManager_);
    }

    /*//////////////////////////////////////////////////////////////
                               ASSERTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Post an assertion with the bond.
    /// @param data what it claims; `txEnd` and `delayedEnd` must follow from its last batch
    /// @param lastBatch the header of batch data.batchEnd - 1 (from {SequencerInbox.BatchPosted})
    /// @param outboxProof a state-tree proof of OUTBOX_ROOT_KEY in data.stateRoot (docs/protocol.md, "State tree")
    /// @return hash the assertion's hash, its id
    function createAssertion(AssertionData calldata data, BatchHeader calldata lastBatch, bytes calldata outboxProof)
        external
        payable
        returns (bytes32 hash)
    {
        if (!permissionless && !proposingOpened && !allowedProposer[msg.sender]) {
            uint64 opensAt = lastProgressAt + proposerInactivity;
            if (block.timestamp < opensAt) revert NotAllowedProposer(msg.sender, opensAt);
            proposingOpened = true;
            emit ProposingOpened(uint64(block.timestamp));
        }
        if (msg.value != assertionBond) revert WrongBond(assertionBond, msg.value);
        if (challengeManager == address(0)) revert NotConnected();
        Assertion storage parent = assertions[data.parent];
        if (parent.status != Status.Pending && parent.status != Status.Confirmed) {
            revert BadAssertionStatus(data.parent, parent.status);
        }
        uint256 posted = inbox.batchCount();
        if (data.batchEnd <= parent.batchEnd || data.batchEnd > posted) {
            revert BadBatchRange(parent.batchEnd, data.batchEnd, posted);
        }
        if (RollupHashes.batchHash(lastBatch) != inbox.batchHashes(data.batchEnd - 1)) {
            revert BatchHeaderMismatch(data.batchEnd - 1);
        }
        uint64 txEnd = lastBatch.txsBefore + lastBatch.seqCount + (lastBatch.delayedAfter - lastBatch.delayedBefore);
        if (data.txEnd != txEnd || data.delayedEnd != lastBatch.delayedAfter) {
            revert CountMismatch(txEnd, lastBatch.delayedAfter);
        }
        if (txEnd == parent.txEnd && data.stateRoot != parent.stateRoot) revert EmptyAssertionChangesState();
        bytes32 outboxRoot = SparseMerkle.read(data.stateRoot, OUTBOX_ROOT_KEY, outboxProof);
        if (outboxRoot != data.outboxRoot) revert OutboxRootMismatch(outboxRoot, data.outboxRoot);

        hash = RollupHashes.assertionHash(data, msg.sender);
        Assertion storage a = assertions[hash];
        if (a.status != Status.None) revert AssertionExists(hash);
        a.parent = data.parent;
        a.stateRoot = data.stateRoot;
        a.outboxRoot = data.outboxRoot;
        a.batchEnd = data.batchEnd;
        a.txEnd = txEnd;
        a.delayedEnd = data.delayedEnd;
        a.createdAt = uint64(block.timestamp);
        a.proposer = msg.sender;
        a.status = Status.Pending;
        lastProgressAt = uint64(block.timestamp);
        emit AssertionCreated(hash, data.parent, msg.sender, data, uint64(block.timestamp) + challengePeriod);
    }

    /// @notice Confirm an assertion whose challenge period is over, with no open challenge, on the confirmed chain.
    function confirm(bytes32 hash) external {
        Assertion storage a = assertions[hash];
        if (a.status != Status.Pending) revert BadAssertionStatus(hash, a.status);
        if (a.parent != latestConfirmed) revert ParentNotLatestConfirmed(a.parent, latestConfirmed);
        uint64 endsAt = a.createdAt + challengePeriod;
        if (block.timestamp < endsAt) revert ChallengePeriodNotOver(endsAt);
        if (a.openChallenges != 0) revert ChallengeOpen(hash, a.openChallenges);
        a.status = Status.Confirmed;
        assertions[a.parent].confirmedChild = hash;
        latestConfirmed = hash;
        lastProgressAt = uint64(block.timestamp);
        _credit(a.proposer, assertionBond);
        emit AssertionConfirmed(hash, a.stateRoot, a.outboxRoot);
    }

    /// @notice Reject an assertion that can no longer be confirmed: its parent was rejected, or another child of
    ///         its parent was confirmed. Its bond goes back to its proposer.
    function reject(bytes32 hash) external {
        Assertion storage a = assertions[hash];
        if (a.status != Status.Pending) revert BadAssertionStatus(hash, a.status);
        if (a.openChallenges != 0) revert ChallengeOpen(hash, a.openChallenges);
        if (!_dead(hash, a)) revert NotRejectable(hash);
        a.status = Status.Rejected;
        _credit(a.proposer, assertionBond);
        emit AssertionRejected(hash, false);
    }

    /// @notice Whether `hash` is pending and can still be confirmed (its parent stands, no sibling was confirmed):
    ///         only then does a challenge on it decide anything. A game on any other assertion ends refunding its
    ///         challenger ({ChallengeManager.dismiss}).
    function isStanding(bytes32 hash) public view returns (bool) {
        Assertion storage a = assertions[hash];
        return a.status == Status.Pending && !_dead(hash, a);
    }

    /// @notice Whether a non-allowlisted address may propose now (always on a permissionless rollup).
    function proposingOpen() external view returns (bool) {
        return permissionless || proposingOpened || block.timestamp >= lastProgressAt + proposerInactivity;
    }

    /// @notice The stored assertion.
    function getAssertion(bytes32 hash) external view returns (Assertion memory) {
        return assertions[hash];
    }

    /*//////////////////////////////////////////////////////////////
                        CHALLENGE MANAGER HOOKS
    //////////////////////////////////////////////////////////////*/

    /// @notice A challenge on `hash` opens: it must be pending and in its challenge period.
    /// @return a the assertion
    /// @return parentStateRoot the state root both parties start from
    /// @return txStart the global index of the assertion's first transaction
    function openChallenge(bytes32 hash)
        external
        returns (Assertion memory a, bytes32 parentStateRoot, uint64 txStart)
    {
        if (msg.sender != challengeManager) revert NotChallengeManager(msg.sender);
        Assertion storage s = assertions[hash];
        if (s.status != Status.Pending) revert BadAssertionStatus(hash, s.status);
        if (_dead(hash, s)) revert AssertionDead(hash);
        uint64 endsAt = s.createdAt + challengePeriod;
        if (block.timestamp >= endsAt) revert ChallengePeriodOver(endsAt);
        s.openChallenges++;
        emit ChallengeOpened(hash, s.openChallenges);
        Assertion storage parent = assertions[s.parent];
        return (s, parent.stateRoot, parent.txEnd);
    }

    /// @notice A challenge on `hash` ended. If the challenger won and the assertion still stands, it is rejected and
    ///         its bond forfeited: the burned share, and equal shares for every challenge open on it now (this one
    ///         included; dust is burned). Every challenge that ends on a forfeited assertion, by whatever path,
    ///         credits its challenger one share.
    /// @param challengerWon whether the game's verdict is against the assertion (ignored unless it stands)
    function closeChallenge(bytes32 hash, bool challengerWon, address challenger) external {
        if (msg.sender != challengeManager) revert NotChallengeManager(msg.sender);
        Assertion storage a = assertions[hash];
        uint32 open = a.openChallenges;
        if (challengerWon && a.status == Status.Pending && !_dead(hash, a)) {
            a.status = Status.Rejected;
            a.forfeited = true;
            uint256 burn = assertionBond * burnShareBps / 10_000;
            uint256 perShare = (assertionBond - burn) / open;
            burn = assertionBond - perShare * open;
            burned += burn;
            rewardPerShare[hash] = perShare;
            emit AssertionRejected(hash, true);
            emit BondForfeited(hash, open, perShare, burn);
        }
        a.openChallenges = open - 1;
        emit ChallengeClosed(hash, open - 1);
        if (a.forfeited) _credit(challenger, rewardPerShare[hash]);
    }

    /// @dev Whether a pending assertion can no longer be confirmed: its parent was rejected, or a sibling confirmed.
    function _dead(bytes32 hash, Assertion storage a) internal view returns (bool) {
        Assertion storage parent = assertions[a.parent];
        return parent.status == Status.Rejected || (parent.confirmedChild != 0 && parent.confirmedChild != hash);
    }
}
