// A TxSender in its own process, for the crash test (killed with SIGKILL mid-flight). argv: rpcUrl prefix
// accountIndex token recipient...; submits one mint intent per recipient and sends until killed.
import { type Address, createPublicClient, http, type PublicClient } from "viem";
import { TxSender } from "../../l1/index.ts";
import { hardhatAccount, mintIntent, senderOptions } from "./fixture.ts";

const [rpcUrl, prefix, index, token, ...recipients] = process.argv.slice(2);
const client = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) }) as PublicClient;
const sender = await TxSender.start(senderOptions(client, hardhatAccount(Number(index)), prefix));
for (const r of recipients) await sender.submit(mintIntent(token as Address, r as Address));
process.stdout.write("submitted\n");
