import type { Setting } from "../service/index.ts";
import { FAULT_SETTINGS } from "./fault/FaultInjector.ts";

/** Every setting of `./optio verifier` (flags, OPTIO_* variables, --config FILE); --help prints them. */
export const VERIFIER_SETTINGS = [
  {
    name: "deployment",
    type: "string",
    default: ".optio/devnet.json",
    unit: "path",
    description: "the deployment record (docs/deploy.md): addresses, parameters, engine",
  },
  {
    name: "l1Rpc",
    type: "string",
    default: "",
    unit: "url",
    description: "L1 JSON-RPC URL (empty: the deployment record's l1Rpc)",
  },
  {
    name: "dataDir",
    type: "string",
    default: ".optio/verifier",
    unit: "path",
    description: "the verifier's own database (L1 cursor, batches, replay state tree, game records)",
  },
  {
    name: "mode",
    type: "string",
    default: "all",
    unit: "",
    oneOf: ["watch", "challenge", "defend", "all"],
    description:
      "watch: judge only; challenge: open and play challenges on wrong assertions; defend: answer challenges on our key's assertions; all: both",
  },
  {
    name: "key",
    type: "string",
    default: "",
    unit: "hex",
    description:
      "the private key that challenges, defends and confirms (0x + 64 hex; empty: watch only). Prefer OPTIO_KEY over the flag",
    check: (v: string) =>
      v === "" || /^0x[0-9a-fA-F]{64}$/.test(v) ? undefined : "expected 0x and 64 hex digits",
  },
  {
    name: "redisUrl",
    type: "string",
    default: "redis://127.0.0.1:6379",
    unit: "url",
    description: "Redis of the game jobs and the key's transaction manager",
  },
  {
    name: "redisPrefix",
    type: "string",
    default: "optio-verifier",
    unit: "",
    description: "Redis key prefix (one per verifier deployment; processes sharing it share the work)",
    check: (v: string) =>
      /^[A-Za-z0-9_.:-]{1,64}$/.test(v) ? undefined : "expected 1-64 of A-Z a-z 0-9 _ . : -",
  },
  {
    name: "confirmations",
    type: "integer",
    default: 2,
    unit: "blocks",
    min: 1,
    max: 1000,
    description: "blocks deep before an L1 event is taken (a reorg shallower than this is never seen)",
  },
  {
    name: "txConfirmations",
    type: "integer",
    default: 1,
    unit: "blocks",
    min: 1,
    max: 1000,
    description: "blocks deep before our own transaction counts as done",
  },
  {
    name: "txLockTtlMs",
    type: "integer",
    default: 15_000,
    unit: "ms",
    min: 1_000,
    max: 600_000,
    description:
      "lifetime of the key's signer lock (a crashed verifier blocks its restart this long; docs/l1.md)",
  },
  {
    name: "txJobLockMs",
    type: "integer",
    default: 30_000,
    unit: "ms",
    min: 1_000,
    max: 600_000,
    description:
      "BullMQ job lock of the key's intents: a crashed verifier's moves in flight resume after this",
  },
  {
    name: "keepRoots",
    type: "integer",
    default: 4096,
    unit: "batches",
    min: 16,
    description: "state roots the replay keeps readable (must cover the challenge period's batches)",
  },
  {
    name: "recoveryThreads",
    type: "integer",
    default: 1,
    unit: "threads",
    min: 0,
    max: 64,
    description:
      "worker threads recovering the next batch's signers while one replays (0: in the replay itself)",
  },
  {
    name: "pollMs",
    type: "integer",
    default: 500,
    unit: "ms",
    min: 10,
    max: 60_000,
    description: "how often L1 is read and a game in flight looked at",
  },
  {
    name: "host",
    type: "string",
    default: "127.0.0.1",
    unit: "",
    description: "address both ports bind to (loopback unless you mean to expose them)",
  },
  {
    name: "port",
    type: "integer",
    default: 9201,
    unit: "",
    min: 0,
    max: 65535,
    description:
      "the inspection API (JSON: status, assertions with our verdict, games with every move; 0: any)",
  },
  {
    name: "operatorPort",
    type: "integer",
    default: 9200,
    unit: "",
    min: 0,
    max: 65535,
    description: "port of /healthz /readyz /metrics /admin/* (0: any free port)",
  },
  {
    name: "proposeWhenInactive",
    type: "boolean",
    default: false,
    unit: "",
    description:
      "propose from our own replay when the proposers are gone: once proposing is open to our key (Rollup: no assertion created or confirmed for proposerInactivity, or our key allowlisted) and our replay has batches past the chain we agree with; then confirm it and withdraw the bond (needs a key; mode defend or all defends it)",
  },
  {
    name: "proposeIdleSeconds",
    type: "integer",
    default: 600,
    unit: "s",
    min: 0,
    max: 31_536_000,
    description:
      "with proposeWhenInactive: propose only when the newest assertion we agree with is at least this old (L1 time), so a proposer at work or come back goes first",
  },
  {
    name: "fault",
    type: "string",
    default: "",
    unit: "",
    oneOf: FAULT_SETTINGS,
    description:
      'DEVNET ONLY: play a dishonest party (docs/verifier.md, "Fault injection"): lie about each honest assertion with this fault (cycle: every proposer kind in turn); refused on any chain but 31337',
  },
  {
    name: "faultSeed",
    type: "integer",
    default: 1,
    unit: "",
    min: 0,
    max: 4_294_967_295,
    description: "seed of the fault's positions (printed at start, so a run replays)",
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
      "bearer token for POST /admin/* (challenge; at least 16 characters; empty: admin actions off). Prefer OPTIO_ADMIN_TOKEN",
    check: (v: string) => (v !== "" && v.length < 16 ? "expected at least 16 characters" : undefined),
  },
] as const satisfies readonly Setting[];
