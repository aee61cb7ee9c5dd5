import { type Address, type Client, getContract } from "viem";
import {
  bridgeAbi,
  challengeManagerAbi,
  oneStepProverAbi,
  outboxAbi,
  rollupAbi,
  sequencerInboxAbi,
  testTokenAbi,
} from "./abi/index.ts";

/**
 * The addresses a service needs, in the shape of the deployment record (docs/deploy.md, `optio-deployment/1`):
 * `readDeployment(file)` from deploy/ fits as is. l1/ does not import deploy/ (services read the file themselves).
 */
export interface L1Addresses {
  readonly token: { readonly address: Address };
  readonly contracts: {
    readonly bridge: { readonly address: Address };
    readonly sequencerInbox: { readonly address: Address };
    readonly rollup: { readonly address: Address };
    readonly challengeManager: { readonly address: Address };
    readonly outbox: { readonly address: Address };
    readonly oneStepProver: { readonly address: Address };
  };
}

/** The clients contracts read and write through (a wallet client is only needed to send without a TxSender). */
export interface L1Clients<P extends Client = Client, W extends Client = Client> {
  readonly public: P;
  readonly wallet?: W;
}

/**
 * Typed viem contracts of a deployment: reads, simulations, event filters and (with a wallet) writes, all typed
 * from the checked-in ABIs. Services send through their TxSender instead: they encode calls with
 * `encodeFunctionData({ abi: rollupAbi, ... })` and submit an intent.
 */
export function createL1Contracts<P extends Client, W extends Client>(
  deployment: L1Addresses,
  clients: L1Clients<P, W>,
) {
  const client = clients.wallet ? { public: clients.public, wallet: clients.wallet } : clients.public;
  const c = deployment.contracts;
  return {
    rollup: getContract({ address: c.rollup.address, abi: rollupAbi, client }),
    sequencerInbox: getContract({ address: c.sequencerInbox.address, abi: sequencerInboxAbi, client }),
    bridge: getContract({ address: c.bridge.address, abi: bridgeAbi, client }),
    challengeManager: getContract({ address: c.challengeManager.address, abi: challengeManagerAbi, client }),
    outbox: getContract({ address: c.outbox.address, abi: outboxAbi, client }),
    oneStepProver: getContract({ address: c.oneStepProver.address, abi: oneStepProverAbi, client }),
    token: getContract({ address: deployment.token.address, abi: testTokenAbi, client }),
  };
}

export type L1Contracts = ReturnType<typeof createL1Contracts>;
