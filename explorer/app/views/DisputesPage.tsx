/**
 * Disputes, from the verifier's inspection API: the games, and one game live as its moves land: both
 * clocks, the narrowing range at the transaction level and then at the step level, every move with both
 * sides' values, and at the end the one step proven on L1 (its instruction) and where the bonds went.
 */
import type { GameDetail, GameMove, Role } from "../../verifierApi.ts";
import type { Connections } from "../api.ts";
import { boundary, Narrowing, type NarrowRow } from "../components/Narrowing.tsx";
import { fmtDuration, fmtEth, fmtTime, shortHex } from "../format.ts";
import { useNow, usePoll } from "../hooks.ts";
import { NoVerifier } from "./AssertionsPage.tsx";

const POLL_MS = 400;

export function DisputesPage({ conn, gameId }: { conn: Connections; gameId?: string }) {
  const v = conn.verifier;
  const games = usePoll(async () => (v === null ? null : v.games()), 1000, []);
  if (v === null) return <NoVerifier />;
  return (
    <section aria-labelledby="disputes-title">
      <h1 id="disputes-title">Disputes</h1>
      {games.error && <p role="alert">Verifier API: {games.error}</p>}
      <nav aria-label="Games">
        <ul class="games">
          {games.value?.games.length === 0 && <li>No game yet.</li>}
          {games.value?.games.map((g) => (
            <li key={g.id}>
              <a href={`#/disputes/${g.id}`} aria-current={g.id === gameId ? "page" : undefined}>
                Game {g.id}: {g.phase}, {g.moves} moves, we are {g.role}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {gameId !== undefined && <Game conn={conn} id={gameId} key={gameId} />}
    </section>
  );
}

function Game({ conn, id }: { conn: Connections; id: string }) {
  const v = conn.verifier!;
  const game = usePoll(async () => ({ g: await v.game(id), at: Date.now() / 1000 }), POLL_MS, [id]);
  const now = useNow(250);
  if (game.value === undefined) return <p aria-busy="true">{game.error ?? `Loading game ${id}…`}</p>;
  const g = game.value.g;
  if (g === null) return <p role="alert">The verifier knows no game {id}.</p>;
  const l1Now = g.clocks.now + (g.outcome === null ? now - game.value.at : 0);
  const txRows = rowsOf(g, 0);
  const stepRows = rowsOf(g, 1);
  return (
    <article class="card" aria-labelledby="game-title" data-testid="game" data-phase={g.phase}>
      <h2 id="game-title">
        Game {g.id} <span class={`phase p-${g.phase}`}>{g.phase}</span>
      </h2>
      <p>
        Assertion <code title={g.assertion}>{shortHex(g.assertion)}</code>: defender{" "}
        <code title={g.defender}>{shortHex(g.defender, 4)}</code> (proposer) against challenger{" "}
        <code title={g.challenger}>{shortHex(g.challenger, 4)}</code>; our verifier is the{" "}
        <strong>{g.role}</strong>. Degree {g.degree}, {g.txCount} transactions, at most{" "}
        {g.maxTxSteps.toLocaleString()} steps each.
      </p>
      <Clocks g={g} l1Now={l1Now} />
      <Narrowing
        title={`Transaction level: state roots after 0..${g.txCount} transactions`}
        rows={txRows}
        ours={g.role}
      />
      {g.levelSwitch && (
        <p data-testid="level-switch">
          Switched to the machine steps of transaction {g.levelSwitch.tx}: root before{" "}
          <code>{shortHex(g.levelSwitch.rootBefore)}</code>, defender's root after{" "}
          <code>{shortHex(g.levelSwitch.defenderRoot)}</code>, challenger's{" "}
          <code>{shortHex(g.levelSwitch.challengerRoot)}</code>.
        </p>
      )}
      {stepRows.length > 0 && (
        <Narrowing
          title={`Step level: machine hashes of transaction ${g.levelSwitch?.tx ?? "?"} after 0..${g.maxTxSteps.toLocaleString()} steps`}
          rows={stepRows}
          ours={g.role}
        />
      )}
      {g.proof && (
        <section class="proof" aria-labelledby="proof-title" data-testid="proof">
          <h3 id="proof-title">One-step proof on L1</h3>
          <p>
            Step {g.proof.step.toLocaleString()} of transaction {g.proof.tx}: instruction{" "}
            <code class="instr">{g.proof.instruction}</code>, proven by the {g.proof.prover}
            {g.proof.l1TxHash && (
              <>
                {" "}
                in <code>{shortHex(g.proof.l1TxHash)}</code>
              </>
            )}
            .
          </p>
          <dl class="summary wide">
            <div>
              <dt>Hash before (agreed)</dt>
              <dd>
                <code>{g.proof.before}</code>
              </dd>
            </div>
            <div>
              <dt>Claimed after</dt>
              <dd>
                <code class="bad">{g.proof.claimedAfter}</code>
              </dd>
            </div>
            <div>
              <dt>L1 computed after</dt>
              <dd>
                <code class="good">{g.proof.provenAfter}</code>
              </dd>
            </div>
          </dl>
        </section>
      )}
      {g.outcome && (
        <section class="outcome" aria-labelledby="outcome-title" data-testid="outcome">
          <h3 id="outcome-title">
            {g.outcome.winner === null
              ? "Dismissed: the assertion no longer stood"
              : `The ${g.outcome.winner} won by ${g.outcome.reason.replaceAll("-", " ")}`}
          </h3>
          <ul>
            {g.outcome.bonds.map((b, i) => (
              <li key={i} class={`bond f-${b.fate}`}>
                {b.fate === "paid" ? (
                  <>
                    {fmtEth(b.amount)} of the {b.bond} bond <strong>paid</strong> to the {b.role} (
                    <code title={b.party}>{shortHex(b.party, 4)}</code>)
                  </>
                ) : b.fate === "burned" ? (
                  <>
                    {fmtEth(b.amount)} of the {b.role}'s {b.bond} bond <strong>burned</strong>
                  </>
                ) : (
                  <>
                    {b.role}'s {b.bond} bond of {fmtEth(b.amount)} <strong>{b.fate}</strong> (
                    <code title={b.party}>{shortHex(b.party, 4)}</code>)
                  </>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      <MoveList g={g} />
    </article>
  );
}

function Clocks({ g, l1Now }: { g: GameDetail; l1Now: number }) {
  const elapsed = Math.max(0, l1Now - g.clocks.lastMoveAt);
  const over = g.outcome !== null;
  const clock = (role: Role) => {
    const running = !over && g.clocks.challengerToMove === (role === "challenger");
    const base = role === "challenger" ? g.clocks.challenger : g.clocks.defender;
    const left = running ? base - elapsed : base;
    return (
      <div
        class={`clock ${running ? "running" : ""} ${left <= 0 ? "out" : ""}`}
        data-testid={`clock-${role}`}
      >
        <span>
          <span class="who">{role}</span>
          {role === g.role ? " (us)" : ""}
        </span>
        <span class="time" role="timer" aria-label={`${role}'s clock: ${fmtDuration(left)} left`}>
          {fmtDuration(left)}
        </span>
        <span class="muted">{running ? "to move" : over ? "stopped" : "waiting"}</span>
      </div>
    );
  };
  return (
    <div class="clocks">
      {clock("defender")}
      {clock("challenger")}
    </div>
  );
}

/** The segments posted at a level, each with the part the next move (at any level) picked from it. */
function rowsOf(g: GameDetail, level: 0 | 1): NarrowRow[] {
  const posted = g.moves.filter((m) => m.values !== undefined && m.lo !== undefined && m.hi !== undefined);
  const rows: NarrowRow[] = [];
  for (let i = 0; i < posted.length; i++) {
    const m = posted[i];
    if (m.level !== level) continue;
    const next = g.moves.find((x) => x.n > m.n && x.part !== undefined);
    rows.push({
      move: m,
      lo: m.lo!,
      hi: m.hi!,
      values: m.values!,
      ourValues: m.ourValues,
      picked: next?.part,
    });
  }
  // The level switch's transaction as the last transaction-level row: the agreed root before it, the
  // defender's root after it against ours.
  const sw = g.moves.find((x) => x.kind === "switchToStep");
  if (level === 0 && g.levelSwitch && sw)
    rows.push({
      move: sw,
      lo: g.levelSwitch.tx,
      hi: g.levelSwitch.tx + 1,
      values: [g.levelSwitch.rootBefore, g.levelSwitch.defenderRoot],
      ourValues: [
        g.levelSwitch.rootBefore,
        g.role === "challenger" ? g.levelSwitch.challengerRoot : g.levelSwitch.defenderRoot,
      ],
    });
  // The proof's step as a last, one-step row: the agreed hash before, the opponent's after.
  if (level === 1 && g.proof) {
    const prove = g.moves.find((x) => x.kind === "proveStep");
    if (prove)
      rows.push({
        move: prove,
        lo: g.proof.step,
        hi: g.proof.step + 1,
        values: [g.proof.before, g.proof.claimedAfter],
        ourValues: g.role === g.proof.prover ? [g.proof.before, g.proof.provenAfter] : undefined,
      });
  }
  return rows;
}

function MoveList({ g }: { g: GameDetail }) {
  return (
    <details open>
      <summary>Every move ({g.moves.length})</summary>
      <ol class="moves" data-testid="moves" start={0}>
        {g.moves.map((m) => (
          <li key={m.n}>
            <MoveLine m={m} g={g} />
          </li>
        ))}
      </ol>
    </details>
  );
}

function MoveLine({ m, g }: { m: GameMove; g: GameDetail }) {
  const parts = (m.values?.length ?? 1) - 1;
  return (
    <>
      <strong>{m.kind}</strong> by the {m.mover}
      {m.mover === g.role ? " (us)" : ""} at {fmtTime(m.at)},{" "}
      {m.level === 0 ? "transactions" : m.tx === undefined ? "steps" : `steps of tx ${m.tx}`}
      {m.part !== undefined && `, part ${m.part}`}
      {m.lo !== undefined && `, ${m.lo}..${m.hi}`}
      {m.l1TxHash && (
        <>
          {" "}
          (<code>{shortHex(m.l1TxHash, 4)}</code>)
        </>
      )}
      {m.values && (
        <details>
          <summary>
            {m.values.length} values
            {m.ourValues
              ? `, ${m.values.filter((v, j) => m.ourValues?.[j] !== v).length} differ from ours`
              : ""}
          </summary>
          <table class="values">
            <caption class="sr-only">Values of move {m.n}</caption>
            <thead>
              <tr>
                <th scope="col">Position</th>
                <th scope="col">{m.mover}'s value</th>
                <th scope="col">Our value</th>
              </tr>
            </thead>
            <tbody>
              {m.values.map((v, j) => {
                const o = m.ourValues?.[j];
                return (
                  <tr key={j} class={o === undefined ? "" : o === v ? "agree" : "disagree"}>
                    <td class="num">{boundary(m.lo!, m.hi!, parts, j).toLocaleString()}</td>
                    <td>
                      <code title={v}>{shortHex(v)}</code>
                    </td>
                    <td>
                      <code title={o}>{o === undefined ? "—" : o === v ? "same" : shortHex(o)}</code>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </details>
      )}
    </>
  );
}
