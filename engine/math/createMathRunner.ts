/**
 * The math module on the machine's two runners, for tests and benchmarks: `call` runs the
 * fast runner (JitRunner) and reports the value and the gas used; `callBoth` also runs the
 * interpreter and throws unless value and gas agree exactly.
 */
import { Interpreter, JitRunner, loadModule, type Value } from "../../vm/index.ts";
import { compileMathModule } from "./compileMathModule.ts";

export const GAS_LIMIT = 10_000_000;

export interface MathCall {
  value: bigint;
  gas: number;
}

export interface MathRunner {
  bytes: Uint8Array;
  jit: JitRunner;
  interpreter: Interpreter;
  call(name: string, args: readonly Value[]): MathCall;
  callBoth(name: string, args: readonly Value[]): MathCall;
}

export async function createMathRunner(): Promise<MathRunner> {
  const bytes = await compileMathModule();
  const flat = loadModule(bytes); // throws OutOfProfileError on any float instruction
  const j = JitRunner.instantiate(bytes);
  if (!j.ok) throw new Error(`math module: JitRunner trap ${j.trap}`);
  const i = Interpreter.instantiate(flat);
  if (!i.ok) throw new Error(`math module: Interpreter trap ${i.trap}`);
  const jit = j.instance;
  const interpreter = i.instance;
  const call = (name: string, args: readonly Value[]): MathCall => {
    const r = jit.invoke(name, args, GAS_LIMIT);
    if (!r.ok) throw new Error(`${name}(${args.join(", ")}): trap ${r.trap}`);
    return { value: BigInt(r.values[0]), gas: GAS_LIMIT - r.gasLeft };
  };
  const callBoth = (name: string, args: readonly Value[]): MathCall => {
    const a = call(name, args);
    const r = interpreter.invoke(name, args, GAS_LIMIT);
    if (!r.ok) throw new Error(`${name}(${args.join(", ")}): interpreter trap ${r.trap}`);
    const b = { value: BigInt(r.values[0]), gas: GAS_LIMIT - r.gasLeft };
    if (a.value !== b.value || a.gas !== b.gas) {
      throw new Error(
        `${name}(${args.join(", ")}): JIT ${a.value} gas ${a.gas}, interpreter ${b.value} gas ${b.gas}`,
      );
    }
    return a;
  };
  return { bytes, jit, interpreter, call, callBoth };
}
