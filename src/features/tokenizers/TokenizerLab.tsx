/**
 * The tokenizer lab (issue 5): the same text through every selected tokenizer, byte-exact and
 * aligned by byte offsets, the metrics per tokenizer, tokenization parity across languages,
 * CharBench character positions, the tokenization-bias lens on the loaded model, and two models on one text. All tokenizing runs in the worker (engine/tokenizerLab.ts).
 */
import { useEffect, useMemo, useState } from 'react';
import type { LabRow } from '../../protocol/tokenizerLab';
import { useSession } from '../../state/sessionStore';
import { foldLabProgress, labParity, labTokenize, labTokenizers } from '../../state/tokenizerLabActions';
import { formatBytes } from '../../core/formatBytes';
import { bytesProblem, LIMITS, limitSentence } from '../../core/limits';
import { utf8Length } from '../../core/tokenizers/words';
import { AddTokenizer } from './AddTokenizer';
import { BiasLensPanel } from './BiasLensPanel';
import { LanguageBiasPanel } from './LanguageBiasPanel';
import { CharPositionsPanel } from './CharPositionsPanel';
import { readLabPrefs, storeLabPrefs } from './labPrefs';
import { labProgressText } from './labProgress';
import { EmptyHint } from '../common/EmptyHint';
import { LongTextBox } from '../common/LongTextBox';
import { useWorkerCall } from '../common/useWorkerTask';
import { MetricsTable } from './MetricsTable';
import { ParityPanel } from './ParityPanel';
import { TokenizerPicker } from './TokenizerPicker';
import { TokenRows, type ByteSpan } from './TokenRows';
import { TwoModelsPanel } from './TwoModelsPanel';

/** Stated by the text box, before any work. */
const TEXT_LIMIT = limitSentence(LIMITS.tokenizerLab);

const TEXT_SETTLE_MS = 200;

export function TokenizerLab() {
  const modelKey = useSession((s) => s.model?.key ?? null);
  const [prefs, setPrefs] = useState(readLabPrefs);
  const [hover, setHover] = useState<ByteSpan | null>(null);
  const [listVersion, setListVersion] = useState(0);
  // The first run asks at once; after the text is edited, a pause in typing asks.
  const [edited, setEdited] = useState(false);
  useEffect(() => storeLabPrefs(prefs), [prefs]);

  const list = useWorkerCall(`${modelKey}|${listVersion}`, () => labTokenizers(), { transition: true });
  const available = list.result ?? [];
  const ids = useMemo(
    () => available.map((t) => t.id).filter((id) => prefs.selected.includes(id)),
    [available, prefs.selected],
  );
  const textBytes = useMemo(() => utf8Length(prefs.text), [prefs.text]);
  const tooLong = bytesProblem(LIMITS.tokenizerLab, textBytes);

  // Memoised: hovering re-renders the view, and the text may be 1 MB.
  const [tokenizeRun, setTokenizeRun] = useState(0);
  // A new object only when one of its parts changes (ids by value: the list is fetched again
  // after each run); useWorkerCall compares keys by identity, so the 1 MB text is never copied
  // into a string key or compared character by character.
  const idsKey = ids.join('\n');
  const tokenizeKey = useMemo(
    () => (idsKey && !tooLong ? { modelKey, idsKey, tokenizeRun, text: prefs.text } : null),
    [modelKey, idsKey, tokenizeRun, prefs.text, tooLong],
  );
  // Rows are drawn as they finish (folded progress), in transitions: a row of 1 MB is thousands of chips.
  const tokenized = useWorkerCall(
    tokenizeKey,
    (signal, onProgress) => labTokenize(ids, prefs.text, signal, onProgress),
    { settleMs: edited ? TEXT_SETTLE_MS : 0, transition: true, foldProgress: foldLabProgress },
  );
  // The rows come first: parity, the character positions, the bias lens and the two models wait
  // for the first rows. On a fresh page they would build the same tokenizers, run the model and
  // load a second one, all on the worker (and the network and cores) the rows need.
  const [firstRowsDone, setFirstRowsDone] = useState(false);
  useEffect(() => {
    if (tokenized.status !== 'idle' && tokenized.status !== 'working') setFirstRowsDone(true);
  }, [tokenized.status]);
  const listed = list.status !== 'idle' && list.status !== 'working';
  const rowsFirst = !firstRowsDone && !(listed && tokenizeKey === null);
  const parity = useWorkerCall(
    ids.length && !rowsFirst ? JSON.stringify([modelKey, ids]) : null,
    // Its progress is not shown: only the finished table.
    (signal) => labParity(ids, signal),
    { settleMs: TEXT_SETTLE_MS, transition: true },
  );
  // Tokenizers fetched by this request are in memory now: the picker says so.
  useEffect(() => {
    if (tokenized.status === 'ready') setListVersion((v) => v + 1);
  }, [tokenized.status]);

  const working = tokenized.status === 'working';
  const rows: LabRow[] = ids.flatMap((id) => {
    // While a new text is worked on, a tokenizer's previous row stays until its new one comes;
    // after a cancel only the new text's rows are shown.
    const previous =
      tokenized.status === 'cancelled' ? undefined : tokenized.result?.rows.find((r) => r.tokenizerId === id);
    const row = tokenized.progress?.rows.find((r) => r.tokenizerId === id) ?? previous;
    return row ? [row] : [];
  });
  const pending = ids
    .filter((id) => !rows.some((r) => r.tokenizerId === id))
    .map((id) => {
      const info = available.find((t) => t.id === id)!;
      const latest = tokenized.progress?.latest;
      const now = latest?.tokenizerId === id ? latest.phase : 'waiting';
      const what =
        tokenized.status === 'cancelled'
          ? 'not tokenized (cancelled)'
          : now === 'loading'
            ? `fetching ${formatBytes(info.downloadBytes)} and building…`
            : now === 'tokenizing'
              ? 'tokenizing…'
              : 'waiting…';
      return { tokenizerId: id, label: info.label, what };
    });
  const shown = tokenized.result;
  const status = tooLong ? 'too-long' : working ? 'working' : tokenized.status;

  return (
    <section className="tlab" aria-label="Tokenizer lab" data-testid="view.tokenizers">
      {list.error && (
        <p className="notice notice--error" role="alert" data-testid="tokenizers.list.error">
          {list.error}
        </p>
      )}
      <TokenizerPicker
        tokenizers={available}
        selected={prefs.selected}
        onChange={(selected) => setPrefs((p) => ({ ...p, selected }))}
      />
      <AddTokenizer
        onAdded={(info) => {
          setPrefs((p) => ({ ...p, selected: [...p.selected.filter((id) => id !== info.id), info.id] }));
          setListVersion((v) => v + 1);
        }}
      />
      <label className="next-token__label" htmlFor="tlab-text">
        Text <span className="hint">({TEXT_LIMIT})</span>
      </label>
      <LongTextBox
        id="tlab-text"
        className="next-token__text"
        testId="tokenizers.text"
        valueBytes={textBytes}
        rows={3}
        value={prefs.text}
        onChange={(text) => {
          setEdited(true);
          setPrefs((p) => ({ ...p, text }));
        }}
      />
      <p className="next-token__status" data-testid="tokenizers.status" data-status={status}>
        {tooLong ? (
          <span className="error" role="alert">
            {tooLong}
          </span>
        ) : working ? (
          <>
            {tokenized.progress ? labProgressText(tokenized.progress.latest) : 'Tokenizing…'}{' '}
            <button type="button" data-testid="tokenizers.cancel" onClick={tokenized.cancel}>
              Cancel
            </button>
          </>
        ) : tokenized.status === 'cancelled' ? (
          <>
            Stopped: the rows finished before Cancel are shown.{' '}
            <button type="button" data-testid="tokenizers.again" onClick={() => setTokenizeRun((n) => n + 1)}>
              Tokenize again
            </button>
          </>
        ) : (
          (tokenized.error ??
          (shown && shown.shownBytes < shown.textBytes
            ? `Chips show the tokens of the first ${formatBytes(shown.shownBytes)} of ${formatBytes(shown.textBytes)}; counts and metrics cover the whole text.`
            : ids.length === 0
              ? ''
              : 'Hover a token: the tokens covering the same bytes light up in every row.'))
        )}
      </p>
      {list.result !== null && ids.length === 0 && (
        <EmptyHint name="tokenizers.none-picked">
          No tokenizer picked yet: tick one or more above, and the text is split by each, one row under another.
        </EmptyHint>
      )}
      {ids.length > 0 && prefs.text === '' && (
        <EmptyHint name="tokenizers.no-text">
          Type or paste a text above: each picked tokenizer splits it into tokens, aligned by their bytes.
        </EmptyHint>
      )}
      <TokenRows rows={rows} pending={pending} hover={hover} onHover={setHover} />
      <h2 className="tlab__heading">Metrics</h2>
      <MetricsTable rows={rows} />
      <h2 className="tlab__heading">Parity across languages</h2>
      {parity.status === 'working' && <p className="hint">Tokenizing the parallel sentences…</p>}
      {parity.status === 'cancelled' && <p className="hint">Cancelled.</p>}
      {parity.error && (
        <p className="error" role="alert">
          {parity.error}
        </p>
      )}
      <ParityPanel rows={parity.result ?? []} />
      <h2 className="tlab__heading">Character positions (CharBench)</h2>
      <CharPositionsPanel tokenizerIds={ids} waiting={rowsFirst} />
      <h2 className="tlab__heading">Tokenization bias: naive, token healing, exact next byte</h2>
      <BiasLensPanel waiting={rowsFirst} />
      <h2 className="tlab__heading">Tokenization bias across languages: naive vs exact next character</h2>
      <LanguageBiasPanel />
      <h2 className="tlab__heading">Two models on one text: bits per byte per word</h2>
      <TwoModelsPanel text={prefs.text} textBytes={textBytes} waiting={rowsFirst} />
    </section>
  );
}
