import { type DecodeOptions, decodeModule } from "./decode.ts";
import type { FlatModule } from "./FlatModule.ts";
import { lowerModule } from "./lower.ts";
import { validateModule } from "./validate.ts";

/** The loader: decode, validate against the profile, lower to flat code. Throws a VmError if the module is refused. */
export function loadModule(bytes: Uint8Array, options: DecodeOptions = {}): FlatModule {
  return lowerModule(validateModule(decodeModule(bytes, options)));
}
