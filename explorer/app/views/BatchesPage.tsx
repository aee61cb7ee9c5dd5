/**
 * Batches, live over the `batches` channel: the last ones with their finality stage (sealed, posted,
 * asserted, confirmed), transactions, state root and L1 transaction; one batch's details and receipts.
 */
import { useEffect, useRef } from "preact/hooks";
import type { BatchView, NodeStatus, Receipt } from "../../../sequencer/api/NodeApi.ts";
import type { Connections } from "../api.ts";
import { StageTrack } from "../components/StageTrack.tsx";
import { fmtTime, shortHex } from "../format.ts";
import { useFrameRender, usePoll } from "../hooks.ts";

const SHOWN = 25;

export function BatchesPage({ conn, selected }: { conn: Connections; selected?: number }) {
  const batches = useRef(new Map<number, BatchView>());
  const status = useRef<NodeStatus | null>(null);
  const render = useFrameRender("batches");
  useEffect(() => {
    let alive = true;
    const sub = conn.subscriber.subscribe<NodeStatus | BatchView>("batches", {}, (m) => {
      if (m.type === "snapshot") {
        const s = m.data as NodeStatus;
        status.current = s;
        // The snapshot is the node's status: read the batches it names (newest SHOWN) once.
        const last = s.lastSealedBatch ?? -1;
        for (let n = Math.max(0, last - SHOWN + 1); n <= last; n++)
          void conn.reads.batch(n).then((b) => {
            if (!alive || b === null) return;
            const known = batches.current.get(n);
            // A delta may have arrived first and be newer: keep the later stage.
            if (known === undefined || stageRank(b.stage) > stageRank(known.stage)) batches.current.set(n, b);
            render();
          });
      } else {
        const b = m.data as BatchView;
        batches.current.set(b.number, b);
        // The status line (last sealed, posted, ...) follows: batch deltas are rare, one read each is cheap.
        void conn.reads.status().then((s) => {
          if (!alive) return;
          status.current = s;
          render();
        });
      }
      render();
    });
    return () => {
      alive = false;
      sub.unsubscribe();
    };
  }, [conn, render]);
  const rows = [...batches.current.values()].sort((a, b) => b.number - a.number).slice(0, SHOWN);
  const s = status.current;
  return (
    <section aria-labelledby="batches-title">
      <h1 id="batches-title">Batches</h1>
      {s && (
        <p>
          Head block {s.headBlock}; last sealed {s.lastSealedBatch ?? "—"}, posted {s.lastPostedBatch ?? "—"},
          asserted {s.lastAssertedBatch ?? "—"}, confirmed {s.lastConfirmedBatch ?? "—"}; state root{" "}
          <code>{shortHex(s.stateRoot)}</code>
        </p>
      )}
      <table data-testid="batches">
        <caption>Newest batches first; the stage is where each stands on its way to L1 finality</caption>
        <thead>
          <tr>
            <th scope="col">Batch</th>
            <th scope="col">Stage</th>
            <th scope="col">Transactions</th>
            <th scope="col">State root</th>
            <th scope="col">L1 transaction</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={5}>No sealed batch yet.</td>
            </tr>
          )}
          {rows.map((b) => (
            <tr
              key={b.number}
              data-batch={b.number}
              aria-selected={selected === b.number ? "true" : undefined}
            >
              <td>
                <a href={`#/batches/${b.number}`}>#{b.number}</a>
              </td>
              <td>
                <StageTrack stage={b.stage} />
              </td>
              <td class="num">{b.txCount}</td>
              <td>
                <code title={b.stateRoot ?? ""}>{shortHex(b.stateRoot)}</code>
              </td>
              <td>
                <code title={b.l1TxHash ?? ""}>
                  {b.l1TxHash === null ? "not posted" : shortHex(b.l1TxHash)}
                </code>
                {b.l1Block !== null && ` (block ${b.l1Block})`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {selected !== undefined && (
        <BatchDetail conn={conn} live={batches.current.get(selected)} n={selected} key={selected} />
      )}
    </section>
  );
}

const stageRank = (s: string) => ["open", "sealed", "posted", "asserted", "confirmed"].indexOf(s);

function BatchDetail({ conn, n, live }: { conn: Connections; n: number; live?: BatchView }) {
  const fetched = usePoll(() => conn.reads.batch(n), 3000, [n]);
  const b = live ?? fetched.value ?? null;
  const receipts = usePoll(
    async () => {
      const hashes = b?.txHashes.slice(0, 50) ?? [];
      return Promise.all(hashes.map((h) => conn.reads.receipt(h)));
    },
    5000,
    [b?.txHashes.length, n],
  );
  if (b === null) return <p>{fetched.error ?? `Batch ${n} is not known yet.`}</p>;
  return (
    <article class="card" aria-labelledby="batch-detail">
      <h2 id="batch-detail">Batch #{b.number}</h2>
      <StageTrack stage={b.stage} />
      <dl class="summary wide">
        {[
          ["Time", fmtTime(b.timestamp)],
          ["Transactions", String(b.txCount)],
          ["Delayed messages", `${b.delayedMessages.from} .. ${b.delayedMessages.to}`],
          ["Previous state root", b.prevStateRoot],
          ["State root", b.stateRoot ?? "open"],
          ["L1 transaction", b.l1TxHash ?? "not posted"],
          ["L1 block", b.l1Block ?? "—"],
        ].map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>
              <code>{v}</code>
            </dd>
          </div>
        ))}
      </dl>
      <table>
        <caption>Transactions (first 50)</caption>
        <thead>
          <tr>
            {["#", "Hash", "Type", "Signer", "Outcome", "Fills"].map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {b.txHashes.slice(0, 50).map((h, i) => {
            const r: Receipt | null | undefined = receipts.value?.[i];
            return (
              <tr key={h}>
                <td>{i}</td>
                <td>
                  <code title={h}>{shortHex(h)}</code>
                </td>
                <td>{r?.type ?? "…"}</td>
                <td>{r?.signer ? <a href={`#/account/${r.signer}`}>{shortHex(r.signer, 4)}</a> : "—"}</td>
                <td class={r && r.outcome !== 0 ? "bad" : ""}>{r?.outcomeName ?? "…"}</td>
                <td class="num">{r?.fills.length ?? ""}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </article>
  );
}
