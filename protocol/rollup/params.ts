/**
 * Deployment parameters of the rollup contracts (docs/protocol.md,
 * "Parameters"). Every value is fixed at deployment; the two sets are the
 * defaults for a public chain and short values for a devnet.
 */
export interface RollupParams {
  /** Seconds an assertion can be challenged. */
  challengePeriod: number;
  /** Wei bonded per assertion. */
  assertionBond: bigint;
  /** Wei bonded per challenge. */
  challengeBond: bigint;
  /** Basis points of a forfeited bond burned rather than paid to the winner. */
  burnShareBps: number;
  /** Whether any bonded address may propose (else only an allowlist). */
  permissionless: boolean;
  /** Seconds on each party's chess clock. */
  clock: number;
  /** Seconds the challenger has for its first move (at most `clock`): an unplayed challenge ends this soon. */
  firstMoveDeadline: number;
  /**
   * Seconds with no new or confirmed assertion after which a permissioned rollup (permissionless = false) lets
   * anyone propose, for good: users' forced withdrawals confirm even if the allowlisted proposers stop.
   */
  proposerInactivity: number;
  /** Parts per bisection move, at both levels (>= 2). */
  degree: number;
  /** Seconds after which anyone may force a delayed message in. */
  forceInclusionDelay: number;
  /** Seconds a sequencer batch's timestamp may lag behind L1's. */
  maxTimestampDrift: number;
  /** The engine's gas per transaction (vm/params.ts); the step bound is MAX_TX_STEPS = 2 * TX_GAS_LIMIT. */
  txGasLimit: number;
}

const ETHER = 10n ** 18n;

/**
 * vm/params.ts TX_GAS_LIMIT (protocol/ does not import vm/, which imports protocol/);
 * test/rollup/params.test.ts keeps the two equal.
 */
const TX_GAS_LIMIT = 10_000_000;

/** Public-chain defaults: a week to notice fraud, bonds that cover a dispute's gas many times over. */
export const PUBLIC_PARAMS: RollupParams = {
  challengePeriod: 7 * 24 * 3600, // a week, as Nitro's 6.4 days and Optimism's 7
  assertionBond: 10n * ETHER,
  challengeBond: 1n * ETHER, // a side of a full dispute costs < 1M gas (bench contracts): < 0.05 ETH at 50 gwei
  burnShareBps: 2_000, // 20% burned: a proposer who challenges itself loses money
  permissionless: true,
  clock: 302_400, // 3.5 days per side, as Optimism's FaultDisputeGame
  firstMoveDeadline: 3600, // an hour: a watcher that challenges has its first bisection ready (one L1 transaction)
  proposerInactivity: 28 * 24 * 3600, // 4 weeks, as Arbitrum's validator allowlist (moot while permissionless)
  degree: 16, // 12 moves over 10,000 transactions x 20M steps (7 L1 transactions per side at most), bisections < 125k gas
  forceInclusionDelay: 24 * 3600, // a day, as Arbitrum's
  maxTimestampDrift: 3600,
  txGasLimit: TX_GAS_LIMIT,
};

/** Devnet values: a dispute plays out in minutes. */
export const DEVNET_PARAMS: RollupParams = {
  challengePeriod: 300,
  assertionBond: ETHER / 10n,
  challengeBond: ETHER / 100n,
  burnShareBps: 2_000,
  permissionless: false,
  clock: 120,
  firstMoveDeadline: 60,
  proposerInactivity: 3600,
  degree: 16,
  forceInclusionDelay: 60,
  maxTimestampDrift: 3600,
  txGasLimit: TX_GAS_LIMIT,
};
