import { randomBytes } from "node:crypto";
import { keccak256, keccak256Reference } from "../protocol/keccak.ts";
import { emit, median, seconds } from "./report.ts";

/** keccak-256 of 65-byte preimages (one state-tree node): our WebAssembly build against @noble/hashes. */
export async function main(): Promise<void> {
  const inputs = Array.from({ length: 1024 }, () => new Uint8Array(randomBytes(65)));
  const rate = async (fn: (d: Uint8Array) => Uint8Array, n: number) => {
    const samples: number[] = [];
    for (let r = 0; r < 7; r++) {
      samples.push(
        n /
          (await seconds(() => {
            for (let i = 0; i < n; i++) fn(inputs[i & 1023]);
          })),
      );
    }
    return median(samples);
  };
  const base = await rate(keccak256Reference, 50_000);
  const fast = await rate(keccak256, 200_000);
  emit({
    name: "keccak.65B",
    value: Math.round(fast),
    unit: "hashes/s",
    baseline: "@noble/hashes keccak_256",
    baselineValue: Math.round(base),
  });
}
