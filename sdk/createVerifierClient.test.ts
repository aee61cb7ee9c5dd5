import { expect, test } from "vitest";
import { createVerifierClient, OptioTransportError, VerifierRefusedError } from "./index.ts";

const ADDRESS = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

/** A fetch that answers from a table of paths (what the verifier's inspection API would say). */
function fakeFetch(answers: Record<string, [number, unknown]>): typeof fetch {
  return (async (input: string | URL | Request) => {
    const path = new URL(String(input)).pathname;
    const a = answers[path];
    if (a === undefined) throw new TypeError("fetch failed");
    return new Response(JSON.stringify(a[1]), { status: a[0] });
  }) as typeof fetch;
}

test("createVerifierClient_answersAndRefusals_typed", async () => {
  const v = createVerifierClient({
    url: "http://127.0.0.1:9/",
    fetch: fakeFetch({
      [`/accounts/${ADDRESS}/nonce`]: [
        200,
        {
          address: ADDRESS,
          nonce: "3",
          stateNonce: "2",
          replayedBatches: 5,
          queued: [{ index: 4, nonce: "2" }],
        },
      ],
      "/withdrawals/7/proof": [
        409,
        {
          reason: "NOT_CLAIMABLE",
          index: "7",
          stage: "asserted",
          assertion: `0x${"aa".repeat(32)}`,
          confirmableAt: "1700000900",
          error: "withdrawal 7 is asserted",
          fix: "wait for its confirmation",
        },
      ],
    }),
  });
  expect(v.url).toBe("http://127.0.0.1:9");
  expect(await v.getNonce(ADDRESS)).toMatchObject({ next: 3n, stateNonce: "2" });
  const refused = (await v.getWithdrawalProof(7n).catch((e) => e)) as VerifierRefusedError;
  expect(refused).toBeInstanceOf(VerifierRefusedError);
  expect([refused.status, refused.reason, refused.stage, refused.confirmableAt, refused.fix]).toEqual([
    409,
    "NOT_CLAIMABLE",
    "asserted",
    1_700_000_900n,
    "wait for its confirmation",
  ]);
  expect(refused.message).toBe("http://127.0.0.1:9: withdrawal 7 is asserted");
  // Nobody there: a transport error naming the URL.
  await expect(v.getWithdrawals(ADDRESS)).rejects.toBeInstanceOf(OptioTransportError);
});
