/** Assertions on L1, as the verifier sees them: proposer, bond, challenge period left, and our verdict. */
import type { Connections } from "../api.ts";
import { fmtDuration, fmtEth, shortHex } from "../format.ts";
import { useNow, usePoll } from "../hooks.ts";

export function AssertionsPage({ conn }: { conn: Connections }) {
  const v = conn.verifier;
  const data = usePoll(
    async () => (v === null ? null : { ...(await v.assertions()), at: Date.now() / 1000 }),
    1000,
    [],
  );
  const now = useNow(500);
  if (v === null) return <NoVerifier />;
  const d = data.value;
  return (
    <section aria-labelledby="assertions-title">
      <h1 id="assertions-title">Assertions</h1>
      {data.error && <p role="alert">Verifier API: {data.error}</p>}
      <table data-testid="assertions">
        <caption>
          Newest first; the verdict is our verifier's, from its own replay of the same batches
        </caption>
        <thead>
          <tr>
            {[
              "Assertion",
              "Batches",
              "Proposer",
              "Bond",
              "Status",
              "Challenge period left",
              "Verdict",
              "Challenges",
            ].map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {d?.assertions.length === 0 && (
            <tr>
              <td colSpan={8}>No assertion yet.</td>
            </tr>
          )}
          {d?.assertions.map((a) => {
            // L1 time now: the verifier's `now` advanced by the time since we read it.
            const l1Now = d.now + (now - d.at);
            const left = a.challengeDeadline - l1Now;
            return (
              <tr key={a.id}>
                <td>
                  <code title={a.id}>{shortHex(a.id)}</code>
                </td>
                <td>
                  {a.fromBatch}..{a.toBatch - 1} ({a.txCount} txs)
                </td>
                <td>
                  <code title={a.proposer}>{shortHex(a.proposer, 4)}</code>
                </td>
                <td class="num">{fmtEth(a.bond)}</td>
                <td>{a.status}</td>
                <td class="num">{a.status === "pending" ? (left > 0 ? fmtDuration(left) : "over") : "—"}</td>
                <td>
                  <span class={`verdict v-${a.verdict}`}>
                    {a.verdict === "disagrees" ? "wrong root" : a.verdict}
                  </span>
                  {a.verdict === "disagrees" && a.ourStateRoot && (
                    <>
                      {" "}
                      (ours <code title={a.ourStateRoot}>{shortHex(a.ourStateRoot, 4)}</code>)
                    </>
                  )}
                </td>
                <td>
                  {a.challenges.length === 0
                    ? "none"
                    : a.challenges.map((id) => (
                        <a key={id} href={`#/disputes/${id}`}>
                          game {id}{" "}
                        </a>
                      ))}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

export function NoVerifier() {
  return (
    <p role="note">
      No verifier inspection API is configured: start the explorer with <code>--verifier URL</code> or open
      this page with <code>?verifier=URL</code>.
    </p>
  );
}
