import { type MachineOpening, machineHashOf } from "../protocol/index.ts";
import type { Interpreter } from "../vm/index.ts";
import { MachineOpeningError } from "./errors.ts";
import { nextStepProof } from "./proof/stepProof.ts";

const WORD = 32;

/**
 * The opening of a stopped machine's hash (docs/protocol.md, "Challenge game": what switchToStep and
 * bisectToEnd take): its status word, six part hashes and the global state's preimage. A stopped
 * machine's one-step proof is exactly these eleven words. Checked against the machine's own hash.
 */
export function machineOpening(it: Interpreter): MachineOpening {
  if (it.status.kind === "running") throw new MachineOpeningError("the machine is still running");
  const w = nextStepProof(it);
  const at = (i: number) => w.slice(WORD * i, WORD * i + WORD);
  const opening: MachineOpening = {
    statusWord: at(0),
    valueStackHash: at(1),
    frameStackHash: at(2),
    globalsRoot: at(3),
    memoryRoot: at(4),
    codeRoot: at(5),
    tableRoot: at(6),
    stateRoot: at(7),
    inputHash: at(8),
    batchContext: at(9),
    gasWord: at(10),
  };
  const h = it.hash();
  const o = machineHashOf(opening);
  for (let i = 0; i < WORD; i++)
    if (h[i] !== o[i])
      throw new MachineOpeningError("the opening does not hash to the machine's hash (a bug)");
  return opening;
}
