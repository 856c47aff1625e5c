/**
 * Two models on one text (issue 5 item 6): the loaded model and a second embedded model (held
 * by the worker's second engine) score the lab's text; bits per byte per word for each, the
 * words where they disagree most, and the totals. Then the sanity view: the exact next byte
 * after a prompt on each model, side by side; they are different models and need not agree.
 */
import { memo, useState } from 'react';
import { BIAS_DEMO_PROMPTS, errorBoundOf, exactHeading } from '../../core/tokenizers';
import type { CompareModelsProgress, CompareModelsResult, NextBytesBothResult } from '../../protocol/tokenizerLab';
import { WordBitsChart } from '../../charts/WordBitsChart';
import { engineClient } from '../../state/engineClient';
import { useSession } from '../../state/sessionStore';
import { formatBytes } from '../../core/formatBytes';
import { bytesProblem, LIMITS, limitSentence } from '../../core/limits';
import { defaultOtherModel } from '../models/defaultModels';
import { useEmbeddedModels } from '../models/useEmbeddedModels';
import { visibleToken } from '../../core/tokenization/visibleText';
import { useWorkerCall } from '../common/useWorkerTask';
import { BiasPromptInput } from './BiasPromptInput';
import { Bars } from './BiasLensPanel';

/** Words drawn in the chart (the table and totals cover the whole text). */
const CHART_WORDS = 300;
const bpb = (x: number) => x.toFixed(2);

function progressText(p: CompareModelsProgress | null): string {
  if (!p) return 'Working…';
  if (p.phase === 'loading')
    return `Loading ${p.label}${p.total ? ` (${formatBytes(p.done)} of ${formatBytes(p.total)})` : ''}…`;
  return `Scoring with ${p.label} (window ${p.done} of ${p.total})…`;
}

function Totals({ result }: { result: CompareModelsResult }) {
  return (
    <table className="tlab-table" data-testid="tokenizers.models.totals">
      <caption>
        Over the whole text ({result.bytes.toLocaleString('en-US')} bytes). Tokens differ between the models; bits per
        byte do not depend on the tokenizer.
      </caption>
      <thead>
        <tr>
          <th scope="col">Model</th>
          <th scope="col">Tokenizer</th>
          <th scope="col">Tokens</th>
          <th scope="col">Bits</th>
          <th scope="col">Bits / byte</th>
          <th scope="col">Time</th>
        </tr>
      </thead>
      <tbody>
        {[result.a, result.b].map((m) => (
          <tr key={m.label} data-testid="tokenizers.models.total">
            <th scope="row">{m.label}</th>
            <td>
              {m.tokenizerAlgorithm}, {m.vocabularySize.toLocaleString('en-US')}
            </td>
            <td>{m.tokens.toLocaleString('en-US')}</td>
            <td>{Math.round(m.bits).toLocaleString('en-US')}</td>
            <td data-testid="tokenizers.models.bpb">{bpb(m.bitsPerByte)}</td>
            <td className="muted">{(m.elapsedMs / 1000).toFixed(1)} s</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Disagreements({ result }: { result: CompareModelsResult }) {
  return (
    <table className="tlab-table" data-testid="tokenizers.models.largest">
      <caption>Where they disagree most (bits per byte of the word, its leading space included)</caption>
      <thead>
        <tr>
          <th scope="col">Word</th>
          <th scope="col">{result.a.label}</th>
          <th scope="col">{result.b.label}</th>
          <th scope="col">Difference</th>
        </tr>
      </thead>
      <tbody>
        {result.largest.map((w) => (
          <tr key={w.start} data-testid="tokenizers.models.largest.row">
            <th scope="row">
              <code>{visibleToken(w.text)}</code>
            </th>
            <td>{bpb(w.bitsPerByteA)}</td>
            <td>{bpb(w.bitsPerByteB)}</td>
            <td>
              {w.differenceBitsPerByte > 0 ? '+' : ''}
              {bpb(w.differenceBitsPerByte)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function NextBytesBoth({ result }: { result: NextBytesBothResult }) {
  return (
    <div className="tlab-bias__columns" data-testid="tokenizers.models.nextBytes">
      {result.models.map((m) => (
        <section key={m.label} data-testid="tokenizers.models.nextBytes.model">
          <h3>
            {m.label} ({m.tokenizerAlgorithm})
          </h3>
          <Bars
            title={
              m.tokensAreBytes
                ? 'next byte: its tokens are bytes, so this is its own next-byte distribution'
                : `${exactHeading('next byte', errorBoundOf(m)).toLowerCase()} (byte-token representation lemma)`
            }
            rows={m.bytes}
            testId="tokenizers.models.nextBytes.bytes"
          />
          <p className="hint">
            {m.forwardPasses} forward passes · {(m.elapsedMs / 1000).toFixed(1)} s
          </p>
        </section>
      ))}
    </div>
  );
}

/** Memoised: the lab re-renders on every step of its progress, and the text may be 1 MB. */
export const TwoModelsPanel = memo(function TwoModelsPanel({
  text,
  textBytes,
  waiting = false,
}: {
  text: string;
  /** The text's UTF-8 bytes, counted once by the lab (the text may be 1 MB). */
  textBytes: number;
  /** Ask nothing yet (the lab's first rows are being worked on). */
  waiting?: boolean;
}) {
  const model = useSession((s) => s.model);
  const { models } = useEmbeddedModels();
  const loadedId = model?.source.kind === 'embedded' ? model.source.id : null;
  const [chosen, setChosen] = useState<string | null>(null);
  const otherId = chosen ?? defaultOtherModel(models, loadedId);
  const [stopped, setStopped] = useState(false);
  const [prompt, setPrompt] = useState(BIAS_DEMO_PROMPTS[2].text);
  const tooLong = bytesProblem(LIMITS.twoModels, textBytes);
  const other = { kind: 'embedded' as const, id: otherId };

  const key = model && text && !tooLong && !stopped && !waiting ? JSON.stringify([model.key, otherId, text]) : null;
  const compared = useWorkerCall(
    key,
    (signal, onProgress: (progress: CompareModelsProgress) => void) =>
      engineClient().call('tokenizerLabCompareModels', { text, other }, { signal, onProgress }),
    { settleMs: 400, transition: true },
  );
  const nextKey =
    model && prompt && !waiting && compared.status !== 'working' ? JSON.stringify([model.key, otherId, prompt]) : null;
  const nextBytes = useWorkerCall(
    nextKey,
    (signal) => engineClient().call('tokenizerLabNextBytesBoth', { prompt, other }, { signal }),
    { settleMs: 400, transition: true },
  );
  const result = compared.result;
  const marked = new Set(result?.largest.map((w) => w.start));

  return (
    <div className="tlab-models" data-testid="tokenizers.models">
      <p className="hint">
        The lab's text on the loaded model{model ? ` (${model.label})` : ''} and on a second model, aligned on bytes:
        each token's surprisal is spread over its bytes and summed per word. Per-token perplexity is not comparable
        across tokenizers; bits per byte is. Texts {limitSentence(LIMITS.twoModels)}.
      </p>
      <label>
        Second model{' '}
        <select
          value={otherId}
          onChange={(e) => {
            setChosen(e.target.value);
            setStopped(false);
          }}
          data-testid="tokenizers.models.other"
        >
          {models.map((m) => (
            <option key={m.id} value={m.id}>
              {m.label}
              {m.vocabSize ? ` (vocabulary ${m.vocabSize.toLocaleString('en-US')})` : ''}
            </option>
          ))}
          {!models.some((m) => m.id === otherId) && <option value={otherId}>{otherId}</option>}
        </select>
      </label>{' '}
      {compared.status === 'working' && (
        <button type="button" onClick={() => setStopped(true)} data-testid="tokenizers.models.cancel">
          Cancel
        </button>
      )}
      {stopped && (
        <button type="button" onClick={() => setStopped(false)} data-testid="tokenizers.models.run">
          Compare
        </button>
      )}
      <p
        className="next-token__status"
        data-testid="tokenizers.models.status"
        data-status={tooLong ? 'too-long' : stopped ? 'stopped' : compared.status}
      >
        {!model ? (
          'Load a model to compare.'
        ) : tooLong ? (
          <span className="error" role="alert">
            {tooLong}
          </span>
        ) : stopped ? (
          'Cancelled.'
        ) : compared.status === 'working' ? (
          progressText(compared.progress)
        ) : compared.status === 'cancelled' ? (
          'Cancelled.'
        ) : (
          (compared.error ?? (loadedId === otherId ? 'Both are the same model: pick another to see them differ.' : ''))
        )}
      </p>
      {result && (
        <>
          <Totals result={result} />
          <WordBitsChart
            words={result.words.slice(0, CHART_WORDS).map((w) => ({
              text: w.text,
              bitsPerByteA: w.bitsPerByteA,
              bitsPerByteB: w.bitsPerByteB,
              marked: marked.has(w.start),
            }))}
            labelA={result.a.label}
            labelB={result.b.label}
            height={200}
          />
          {result.words.length > CHART_WORDS && (
            <p className="hint">
              The chart shows the first {CHART_WORDS} of {result.words.length.toLocaleString('en-US')} words; the totals
              and the table cover all.
            </p>
          )}
          <Disagreements result={result} />
        </>
      )}
      <h3 className="tlab__heading">Sanity view: the next byte after the same prompt, on each model</h3>
      <p className="hint">
        Two different models: they are not expected to agree, only to be plausible in the same way.
      </p>
      <BiasPromptInput prompt={prompt} onChange={setPrompt} testId="tokenizers.models.prompt" />
      {nextBytes.status === 'working' && <p className="hint">Running both models on every cover…</p>}
      {nextBytes.status === 'cancelled' && <p className="hint">Cancelled: edit the prompt to run again.</p>}
      {nextBytes.error && (
        <p className="error" role="alert">
          {nextBytes.error}
        </p>
      )}
      {nextBytes.result && <NextBytesBoth result={nextBytes.result} />}
    </div>
  );
});
