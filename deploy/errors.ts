import { OptioError } from "../protocol/index.ts";

/**
 * A deployment that could not be done. `fix` says what the user should do; the CLI prints the message and the
 * fix. Nothing is left half-wired silently: a failure after some contracts were deployed says so.
 */
export class DeployError extends OptioError {
  override name = "DeployError";
  readonly fix: string;
  constructor(
    message: string,
    fix: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, details, options);
    this.fix = fix;
  }
}

/** No EVM chain answers JSON-RPC at the URL. */
export class NoChainError extends DeployError {
  override name = "NoChainError";
  constructor(rpcUrl: string, cause?: unknown) {
    super(
      `no chain answers JSON-RPC at ${rpcUrl}`,
      /^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(rpcUrl)
        ? "start the local L1 with `./optio devnet` (it deploys the rollup itself), or pass --rpc URL"
        : "check the URL (--rpc) and that the node is running and reachable",
      { rpcUrl },
      { cause },
    );
  }
}

/** The deployer account cannot pay for the deployment. */
export class InsufficientFundsError extends DeployError {
  override name = "InsufficientFundsError";
  constructor(account: string, balance: bigint, cause?: unknown) {
    super(
      `the deployer ${account} has ${balance} wei, not enough to pay for the deployment`,
      "fund the account (a deployment costs about 25M gas), or pass --key with a funded account",
      { account, balance: balance.toString() },
      { cause },
    );
  }
}

/** A compiled contract is missing from artifacts/. */
export class ArtifactMissingError extends DeployError {
  override name = "ArtifactMissingError";
  constructor(contract: string, path: string) {
    super(`no compiled artifact for ${contract} at ${path}`, "build the contracts: `npx hardhat build`", {
      contract,
      path,
    });
  }
}

/** An argument the deployment refuses (a malformed key, address, parameter set or file). */
export class InvalidDeployArgumentError extends DeployError {
  override name = "InvalidDeployArgumentError";
  constructor(what: string, got: string, expected: string) {
    super(`${what}: expected ${expected}, got ${got}`, `pass ${expected}`, { what, got, expected });
  }
}

/** A transaction of the deployment reverted or was not mined as a deployment. */
export class DeployTransactionError extends DeployError {
  override name = "DeployTransactionError";
  constructor(step: string, detail: string, cause?: unknown) {
    super(
      `deployment step "${step}" failed: ${detail}`,
      "contracts deployed before this step are unusable; fix the cause and deploy again",
      { step },
      { cause },
    );
  }
}

/** The deployed contracts do not read back what was deployed (addresses or parameters). */
export class WiringMismatchError extends DeployError {
  override name = "WiringMismatchError";
  readonly mismatches: readonly string[];
  constructor(mismatches: readonly string[]) {
    super(
      `the deployed contracts do not read back as deployed: ${mismatches.join("; ")}`,
      "do not use this deployment; check that the RPC points at the chain you deployed to",
      { mismatches },
    );
    this.mismatches = mismatches;
  }
}
