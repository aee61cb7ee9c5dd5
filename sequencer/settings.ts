import { availableParallelism } from "node:os";
import { MAX_TRANSACTION_BYTES } from "../protocol/rollup/batch.ts";
import type { Setting } from "../service/index.ts";
import { BATCH_TIME_MS, MAX_BATCH_BYTES, MAX_BATCH_TXS, MAX_PENDING } from "./params.ts";

/** Every setting of `./optio sequencer` (flags, OPTIO_* variables, --config FILE); --help prints them. */
export const SEQUENCER_SETTINGS = [
  {
    name: "deployment",
    type: "string",
    default: ".optio/devnet.json",
    unit: "path",
    description: "the deployment record (docs/deploy.md): chain id, GENESIS admin, engine",
  },
  {
    name: "dataDir",
    type: "string",
    default: ".optio/sequencer",
    unit: "path",
    description: "the node's database (log, batches, state tree)",
  },
  {
    name: "host",
    type: "string",
    default: "127.0.0.1",
    unit: "",
    description: "address the node's ports bind to (loopback unless you mean to expose them)",
  },
  {
    name: "apiPort",
    type: "integer",
    default: 8547,
    unit: "",
    min: 0,
    max: 65535,
    description: "port of the trader API, JSON-RPC over HTTP and WebSocket (docs/api.md; 0: any free port)",
  },
  {
    name: "operatorPort",
    type: "integer",
    default: 9100,
    unit: "",
    min: 0,
    max: 65535,
    description: "port of /healthz /readyz /metrics /admin/* (0: any free port)",
  },
  {
    name: "batchTimeMs",
    type: "integer",
    default: BATCH_TIME_MS,
    unit: "ms",
    min: 10,
    max: 3_600_000,
    description: "seal a batch this long after its first transaction",
  },
  {
    name: "maxBatchBytes",
    type: "integer",
    default: MAX_BATCH_BYTES,
    unit: "bytes",
    min: MAX_TRANSACTION_BYTES + 2,
    max: 1_000_000,
    description: "seal before a batch's calldata (2 + length per transaction) would pass this",
  },
  {
    name: "maxBatchTxs",
    type: "integer",
    default: MAX_BATCH_TXS,
    unit: "txs",
    min: 1,
    max: 65_536,
    description: "seal at this many transactions",
  },
  {
    name: "maxPending",
    type: "integer",
    default: MAX_PENDING,
    unit: "txs",
    min: 1,
    description: "transactions accepted and not yet answered; more are refused OVERLOADED",
  },
  {
    name: "durability",
    type: "string",
    default: "flushed",
    unit: "",
    oneOf: ["flushed", "committed"],
    description:
      "acknowledge once the log write is fsync'd (flushed: survives power loss) or committed (survives kill -9 only)",
  },
  {
    name: "keepRoots",
    type: "integer",
    default: 0,
    unit: "batches",
    min: 0,
    description: "state roots kept provable; 0: twice the challenge period's batches (at least 4096)",
  },
  {
    name: "recoveryThreads",
    type: "integer",
    default: Math.max(1, availableParallelism() - 1),
    unit: "threads",
    min: 1,
    max: 64,
    description: "signature-recovery worker threads",
  },
  {
    name: "logLevel",
    type: "string",
    default: "info",
    unit: "",
    oneOf: ["fatal", "error", "warn", "info", "debug", "trace", "silent"],
    description: "log level",
  },
  {
    name: "adminToken",
    type: "string",
    default: "",
    unit: "",
    description:
      "bearer token for POST /admin/* (at least 16 characters; empty: admin actions off). Prefer OPTIO_ADMIN_TOKEN over the flag",
    check: (v: string) => (v !== "" && v.length < 16 ? "expected at least 16 characters" : undefined),
  },
  {
    name: "devDeposits",
    type: "boolean",
    default: false,
    unit: "",
    description:
      "devnet only: allow POST /admin/deposit to credit collateral as a delayed message, until the L1 follower (#10) reads the bridge",
  },
] as const satisfies readonly Setting[];
