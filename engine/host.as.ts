// The machine's host interface (docs/machine.md, "Host interface"): module `optio`.
// Pointers follow the machine's alignment rules: input_read/keccak dst 32-aligned,
// state_read/state_write 64-aligned, ecrecover 128-aligned.

@external("optio", "input_size")
export declare function inputSize(): i32;
@external("optio", "input_read")
export declare function inputRead(dst: usize, offset: i32): void;
@external("optio", "state_read")
export declare function stateRead(ptr: usize): void;
@external("optio", "state_write")
export declare function stateWrite(ptr: usize): void;
@external("optio", "ecrecover")
export declare function ecrecover(ptr: usize): i32;
@external("optio", "keccak")
export declare function keccak(src: usize, len: i32, dst: usize): void;
@external("optio", "context")
export declare function context(field: i32): i64;
@external("optio", "revert")
export declare function revert(code: i32): void;

/** context() fields. */
export const CTX_TIMESTAMP: i32 = 0;
export const CTX_BLOCK: i32 = 1;
export const CTX_ORIGIN: i32 = 2;
/** context(CTX_ORIGIN) of a message from the L1 delayed inbox. */
export const ORIGIN_DELAYED_INBOX: i64 = 1;
