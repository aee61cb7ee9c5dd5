import { isHardhatTestKey } from "./hardhatAccounts.ts";
import type { RollupDeployment } from "./RollupDeployment.ts";

/**
 * The short human summary of a deployment the CLI prints: the addresses, where the JSON is, the roles. A private
 * key is shown only when it is one of Hardhat's well-known test keys.
 */
export function formatSummary(d: RollupDeployment, out: string | undefined, key?: string): string {
  const c = d.contracts;
  const pad = (s: string) => s.padEnd(20);
  const lines = [
    `Rollup deployed on chain ${d.chainId} (${d.l1Rpc}) with the ${d.paramSet} parameters:`,
    `  ${pad("Rollup")}${c.rollup.address}`,
    `  ${pad("SequencerInbox")}${c.sequencerInbox.address}`,
    `  ${pad("Bridge")}${c.bridge.address}   (deposits and the delayed inbox)`,
    `  ${pad("ChallengeManager")}${c.challengeManager.address}`,
    `  ${pad("Outbox")}${c.outbox.address}`,
    `  ${pad("OneStepProver")}${c.oneStepProver.address}`,
    `  ${pad(`${d.token.symbol || "token"} (${d.token.decimals} dec.)`)}${d.token.address}`,
    `  ${pad("engine code root")}${d.engine.codeRoot}${d.engine.path ? ` (${d.engine.path})` : ""}`,
    `  ${pad("admin")}${d.admin}${key && isHardhatTestKey(key) ? ` (Hardhat test key ${key})` : ""}`,
    `  ${pad("sequencer")}${d.sequencer}`,
    `  ${pad("proposers")}${d.proposers.join(", ")}`,
    `  challenge period ${d.params.challengePeriod} s, assertion bond ${formatEther(d.params.assertionBond)} ETH, ` +
      `challenge bond ${formatEther(d.params.challengeBond)} ETH`,
  ];
  if (out) lines.push(`Deployment record: ${out} (format: docs/deploy.md)`);
  return lines.join("\n");
}

/** Wei as ETH with up to 18 decimals, trailing zeros dropped. */
function formatEther(wei: bigint): string {
  const whole = wei / 10n ** 18n;
  const frac = (wei % 10n ** 18n).toString().padStart(18, "0").replace(/0+$/, "");
  return frac ? `${whole}.${frac}` : `${whole}`;
}
