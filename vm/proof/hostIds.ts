/**
 * Host ids (docs/machine.md, "One-step proof", "Host calls"): the number of each
 * `optio.*` function, in the order of the "Host interface" table. Lowering puts
 * it in `call_host`'s `b` and the table puts it in byte 13 of an import's slot,
 * so that the code and table roots commit to which host function an import is:
 * a one-step prover cannot see import names.
 */
export const HOST_FUNCTIONS = [
  "input_size",
  "input_read",
  "state_read",
  "state_write",
  "ecrecover",
  "keccak",
  "context",
  "revert",
] as const;

/** Parameter count of each host function, by host id (its results: input_size, ecrecover 1 i32; context 1 i64). */
export const HOST_PARAMS: readonly number[] = [0, 2, 1, 1, 1, 3, 1, 1];

/** The host id of an import that is not an `optio.*` function (conformance-test imports): never provable. */
export const NOT_A_HOST = 0xff;

/** The import module of the host functions. */
const HOST_MODULE = "optio";

/** Host id of import `module.name`, or NOT_A_HOST. */
export function hostId(module: string, name: string): number {
  if (module !== HOST_MODULE) return NOT_A_HOST;
  const i = (HOST_FUNCTIONS as readonly string[]).indexOf(name);
  return i < 0 ? NOT_A_HOST : i;
}
