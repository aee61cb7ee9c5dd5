/**
 * The load generator as its own process (so it does not share the sequencer's event loop):
 *
 *   node --import tsx sequencer/api/testing/loadMain.ts --url ws://127.0.0.1:8547/ \
 *     [--connections 4] [--mode max|rate] [--rate 5000] [--window 256] [--per-call 1] \
 *     [--seconds 30] [--txs FILE | --mix N --accounts 64 --chain-id 31337] [--out FILE]
 *
 * --txs FILE reads pre-signed transactions, one "0xhex signer" per line (signer optional: then
 * bytes 1..21). The output has the machine's load average (1 and 5 min) and core count. --mix N signs N orders of makeOrderMix; with --out FILE they are written there and
 * the process exits (sign once, run many times). Prints one JSON object (LoadResult) on stdout.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { makeOrderMix, runLoad } from "./loadGenerator.ts";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "ws://127.0.0.1:8547/" },
    connections: { type: "string", default: "4" },
    mode: { type: "string", default: "max" },
    rate: { type: "string", default: "5000" },
    window: { type: "string", default: "256" },
    "per-call": { type: "string", default: "1" },
    seconds: { type: "string", default: "30" },
    txs: { type: "string" },
    mix: { type: "string" },
    accounts: { type: "string", default: "64" },
    "chain-id": { type: "string", default: "31337" },
    out: { type: "string" },
  },
});

function readTxs(file: string): { hex: string; signer: string }[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const [hex, signer] = l.trim().split(/\s+/);
      return { hex, signer: signer ?? `0x${hex.slice(4, 44)}` };
    });
}

const txs =
  values.txs !== undefined
    ? readTxs(values.txs)
    : makeOrderMix({
        chainId: BigInt(values["chain-id"]),
        accounts: Number(values.accounts),
        count: Number(values.mix ?? 10_000),
      });
if (values.out !== undefined) {
  writeFileSync(values.out, txs.map((t) => `${t.hex} ${t.signer}`).join("\n"));
  console.log(JSON.stringify({ wrote: txs.length, file: values.out }));
} else {
  const mode = values.mode === "rate" ? "rate" : "max";
  const result = await runLoad({
    url: values.url,
    connections: Number(values.connections),
    txs,
    mode,
    rate: Number(values.rate),
    window: Number(values.window),
    perCall: Number(values["per-call"]),
    durationMs: Number(values.seconds) * 1000,
  });
  // The machine's load with every figure: a shared 2-core box's numbers mean little without it.
  const [load1, load5] = loadavg();
  console.log(JSON.stringify({ mode, ...result, load1, load5, cpus: cpus().length }));
}
