// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {RollupHashes} from "./RollupHashes.sol";

/// @notice The ERC-20 calls the bridge makes.
interface ICollateralToken {
    function transfer(address to, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
    function balanceOf(address owner) external view returns (uint256);
}

/// @title The bridge and delayed inbox: holds the collateral and queues L1-authenticated messages.
/// @notice Every message is an L2 transaction (docs/protocol.md, "Delayed inbox"): a deposit, a withdrawal
///         request or a cancel-all, each carrying its L1 sender. Messages are chained into an accumulator, so the
///         sequencer inbox can consume them in order and a dispute can prove any one's bytes. A sequencer that
///         ignores them is overridden by forced inclusion ({SequencerInbox.forceInclusion}).
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
    /// @dev Only the deployer connects the outbox, once.
    error NotDeployer(address caller);
    /// @dev The outbox is already connected.
    error AlreadyConnected();
    /// @dev A call re-entered the bridge.
    error Reentrancy();
    /// @dev The token's transfer failed or returned false.
    error TransferFailed();
    /// @dev An accumulator index past the queued messages.
    error NoSuchMessage(uint256 index, uint256 count);

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Message `index` was queued; `transaction` is its L2 transaction, `accumulator` the chain after it.
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
    /// @notice The outbox was connected.
    event OutboxConnected(address outbox);

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @notice Message kinds, the first byte of a delayed transaction.
    uint8 public constant KIND_DEPOSIT = 0x01;
    uint8 public constant KIND_WITHDRAWAL_REQUEST = 0x02;
    uint8 public constant KIND_CANCEL_ALL = 0x03;

    /// @notice The collateral token.
    ICollateralToken public immutable token;
    address private immutable deployer;
    /// @notice The outbox, the only caller of {release}.
    address public outbox;
    /// @notice accumulators[i] is the accumulator after message i.
    bytes32[] public accumulators;
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

    /// @notice Connect the outbox (once, by the deployer: the two contracts reference each other).
    function connect(address outbox_) external {
        if (msg.sender != deployer) revert NotDeployer(msg.sender);
        if (outbox != address(0)) revert AlreadyConnected();
        outbox = outbox_;
        emit OutboxConnected(outbox_);
    }

    /*//////////////////////////////////////////////////////////////
                               OPERATIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Deposit `amount` of collateral, credited on L2 to `l2Recipient`.
    /// @dev Queues 0x01 || sender (20) || recipient (20) || amount received (32).
    /// @return index the message's index
    function deposit(uint256 amount, address l2Recipient) external nonReentrant returns (uint256 index) {
        uint256 before = token.balanceOf(address(this));
        _call(abi.encodeCall(ICollateralToken.transferFrom, (msg.sender, address(this), amount)));
        uint256 received = token.balanceOf(address(this)) - before;
        if (received == 0) revert ZeroAmount();
        return _queue(KIND_DEPOSIT, abi.encodePacked(KIND_DEPOSIT, msg.sender, l2Recipient, received));
    }

    /// @notice Ask L2 to withdraw `amount` of the sender's free collateral to `l1Recipient`, bypassing the sequencer.
    /// @dev Queues 0x02 || sender (20) || recipient (20) || amount (32).
    function requestWithdrawal(uint256 amount, address l1Recipient) external returns (uint256 index) {
        if (amount == 0) revert ZeroAmount();
        return _queue(
            KIND_WITHDRAWAL_REQUEST, abi.encodePacked(KIND_WITHDRAWAL_REQUEST, msg.sender, l1Recipient, amount)
        );
    }

    /// @notice Ask L2 to cancel all of the sender's open orders, bypassing the sequencer.
    /// @dev Queues 0x03 || sender (20).
    function cancelAll() external returns (uint256 index) {
        return _queue(KIND_CANCEL_ALL, abi.encodePacked(KIND_CANCEL_ALL, msg.sender));
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
