// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {RollupHashes} from "./RollupHashes.sol";

/// @notice The ERC-20 calls the bridge makes.
interface ICollateralToken {
    function transfer(address to, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
    function balanceOf(address owner) external view returns (uint256);
}

/// @notice What the bridge reads of the sequencer inbox.
interface IBatchCounter {
    function batchCount() external view returns (uint256);
}

/// @title The bridge and delayed inbox: holds the collateral and queues L1-authenticated messages.
/// @notice Every message is an L2 transaction (docs/protocol.md, "Delayed inbox"), executed with origin 1: a
///         deposit (the engine's DEPOSIT, which only this contract can create), or any other engine transaction a
///         user queues ({sendTransaction}: a signed WITHDRAW or CANCEL_ALL is how a user withdraws or cancels
///         without the sequencer). Messages are chained into an accumulator, so the sequencer inbox can consume
///         them in order and a dispute can prove any one's bytes. A sequencer that ignores them is overridden by
///         forced inclusion ({SequencerInbox.forceInclusion}). Deposits open once the sequencer's first batch (the
///         chain's GENESIS, which consumes no delayed message) is posted: a deposit queued before could be held
///         hostage by a sequencer that never starts, since nothing can be forced in before batch 0.
/// @dev Invariant: the token balance covers every deposit not yet claimed back through the outbox. Reentrancy:
///      deposit and release share one transient lock, and a deposit credits the balance difference, so a token
///      calling back cannot be counted twice.
contract Bridge {
    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @dev A deposit or withdrawal request of zero, or a deposit the token did not deliver.
    error ZeroAmount();
    /// @dev Only the outbox releases collateral.
    error NotOutbox(address caller);
    /// @dev A deposit before the sequencer's first batch (or before the inbox is connected).
    error ChainNotStarted();
    /// @dev Only the deployer connects the inbox and the outbox, once.
    error NotDeployer(address caller);
    /// @dev The outbox is already connected.
    error AlreadyConnected();
    /// @dev A call re-entered the bridge.
    error Reentrancy();
    /// @dev The token's transfer failed or returned false.
    error TransferFailed();
    /// @dev An accumulator index past the queued messages.
    error NoSuchMessage(uint256 index, uint256 count);
    /// @dev The deposit would take the total deposited past the engine's range (i64): L2 would not credit it.
    error DepositTooLarge(uint256 amount, uint256 deposited);
    /// @dev A queued transaction that is empty, or of a type only the bridge or the sequencer may create
    ///      (GENESIS, DEPOSIT).
    error TransactionNotAllowed(uint8 txType);
    /// @dev A queued transaction longer than the machine accepts as input.
    error TransactionTooLong(uint256 length, uint256 max);

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Message `index` was queued by L1 account `sender`; `transaction` is its L2 transaction (`kind` its
    ///         first byte, the engine's transaction type), `accumulator` the chain after it.
    event MessageQueued(
        uint256 indexed index,
        uint8 indexed kind,
        address indexed sender,
        bytes32 accumulator,
        uint64 queuedAt,
        bytes transaction
    );
    /// @notice The outbox released `amount` of collateral to `recipient`.
    event Released(address indexed recipient, uint256 amount);
    /// @notice The sequencer inbox and the outbox were connected.
    event Connected(address inbox, address outbox);

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @notice The engine's transaction types L1 treats apart (docs/engine.md, "Transactions"): GENESIS makes its
    ///         sender the chain's admin, DEPOSIT credits collateral to any origin-1 message that carries it.
    uint8 public constant TX_GENESIS = 0x01;
    uint8 public constant TX_DEPOSIT = 0x02;
    /// @notice The engine's deposit total is an i64: deposits past it would not be credited.
    uint256 public constant MAX_TOTAL_DEPOSITED = uint256(uint64(type(int64).max));

    /// @notice The collateral token.
    ICollateralToken public immutable token;
    address private immutable deployer;
    /// @notice The outbox, the only caller of {release}.
    address public outbox;
    /// @notice The sequencer inbox whose first batch opens deposits.
    address public inbox;
    /// @notice accumulators[i] is the accumulator after message i.
    bytes32[] public accumulators;
    /// @notice Token units credited by every deposit so far (the engine's `deposited`, which never decreases).
    uint256 public deposited;
    bool private transient locked;

    modifier nonReentrant() {
        if (locked) revert Reentrancy();
        locked = true;
        _;
        locked = false;
    }

    /// @param token_ the collateral token (6 decimals on the devnet)
    constructor(ICollateralToken token_) {
        token = token_;
        deployer = msg.sender;
    }

    /// @notice Connect the sequencer inbox and the outbox (once, by the deployer: they reference the bridge).
    function connect(address inbox_, address outbox_) external {
        if (msg.sender != deployer) revert NotDeployer(msg.sender);
        if (outbox != address(0)) revert AlreadyConnected();
        inbox = inbox_;
        outbox = outbox_;
        emit Connected(inbox_, outbox_);
    }

    /*//////////////////////////////////////////////////////////////
                               OPERATIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Deposit `amount` of collateral, credited on L2 to (`l2Recipient`, `subaccount`).
    /// @dev Queues the engine's DEPOSIT: 0x02 || recipient (20) || subaccount (1) || amount received (u64). Refused
    ///      ({ChainNotStarted}) until the sequencer's first batch exists.
    /// @return index the message's index
    function deposit(uint256 amount, address l2Recipient, uint8 subaccount)
        external
        nonReentrant
        returns (uint256 index)
    {
        if (inbox == address(0) || IBatchCounter(inbox).batchCount() == 0) revert ChainNotStarted();
        uint256 before = token.balanceOf(address(this));
        _call(abi.encodeCall(ICollateralToken.transferFrom, (msg.sender, address(this), amount)));
        uint256 received = token.balanceOf(address(this)) - before;
        if (received == 0) revert ZeroAmount();
        uint256 total = deposited + received;
        if (total > MAX_TOTAL_DEPOSITED) revert DepositTooLarge(received, deposited);
        deposited = total;
        return _queue(TX_DEPOSIT, abi.encodePacked(TX_DEPOSIT, l2Recipient, subaccount, uint64(received)));
    }

    /// @notice Queue an engine transaction, typically one the sender signed (a WITHDRAW or a CANCEL_ALL), so that
    ///         L2 executes it whatever the sequencer does. Its signature, not this call, authenticates it.
    /// @dev Not GENESIS nor DEPOSIT (only the sequencer's first batch and {deposit} create those); at most
    ///      RollupHashes.MAX_TRANSACTION_BYTES, the machine's input bound.
    function sendTransaction(bytes calldata transaction) external returns (uint256 index) {
        if (transaction.length == 0) revert TransactionNotAllowed(0);
        uint8 txType = uint8(transaction[0]);
        if (txType == TX_GENESIS || txType == TX_DEPOSIT) revert TransactionNotAllowed(txType);
        if (transaction.length > RollupHashes.MAX_TRANSACTION_BYTES) {
            revert TransactionTooLong(transaction.length, RollupHashes.MAX_TRANSACTION_BYTES);
        }
        return _queue(txType, transaction);
    }

    /// @notice Pay out a withdrawal the outbox has verified.
    function release(address recipient, uint256 amount) external nonReentrant {
        if (msg.sender != outbox) revert NotOutbox(msg.sender);
        _call(abi.encodeCall(ICollateralToken.transfer, (recipient, amount)));
        emit Released(recipient, amount);
    }

    /// @notice Messages queued so far.
    function messageCount() external view returns (uint256) {
        return accumulators.length;
    }

    /// @notice The accumulator after `count` messages (zero for none).
    function accumulatorAt(uint256 count) external view returns (bytes32) {
        if (count == 0) return bytes32(0);
        if (count > accumulators.length) revert NoSuchMessage(count - 1, accumulators.length);
        return accumulators[count - 1];
    }

    function _queue(uint8 kind, bytes memory txBytes) internal returns (uint256 index) {
        index = accumulators.length;
        bytes32 previous = index == 0 ? bytes32(0) : accumulators[index - 1];
        uint64 queuedAt = uint64(block.timestamp);
        bytes32 acc = RollupHashes.delayedAccumulate(previous, queuedAt, RollupHashes.transactionHash(txBytes));
        accumulators.push(acc);
        emit MessageQueued(index, kind, msg.sender, acc, queuedAt, txBytes);
    }

    /// @dev A token call that must succeed and return true or nothing (tokens that return no value).
    function _call(bytes memory data) internal {
        (bool ok, bytes memory ret) = address(token).call(data);
        if (!ok || (ret.length != 0 && !abi.decode(ret, (bool)))) revert TransferFailed();
    }
}
