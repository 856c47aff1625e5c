/**
 * Tokenization bias across languages (docs/PAPERS.md section 4) on the loaded model: for
 * prompts cut mid-word from the parallel sentences, the naive next character against the
 * exact one, per language as a chart and a table, each prompt on request. Runs on a click
 * (it takes a forward pass per cover of every prompt), with progress and Cancel.
 */
import { useState } from 'react';
import { ExportableChart } from '../common/ChartExport';
import { ParityChart } from '../../charts/ParityChart';
import { PARALLEL_SENTENCES } from '../../core/tokenizers/parity';
import type { LanguageBiasProgress, LanguageBiasResult } from '../../protocol/tokenizerLab';
import { useWorkerTask } from '../common/useWorkerTask';
import { engineClient } from '../../state/engineClient';
import { useSession } from '../../state/sessionStore';
import { visibleToken } from '../../core/tokenization/visibleText';
import { useWidth } from '../next-token/useWidth';
import { chartCaption } from '../../core/lab/chartCaption';
import { formatCount } from '../../core/formatCount';

const percent = (p: number) => `${(100 * p).toFixed(1)}%`;
const top = (t: { character: string; probability: number } | null) =>
  t ? `${visibleToken(t.character)} ${percent(t.probability)}` : '–';

function Results({ result, width, modelLabel }: { result: LanguageBiasResult; width: number; modelLabel: string }) {
  const [open, setOpen] = useState<string | null>(null);
  const name = (code: string) => PARALLEL_SENTENCES.languages.find((l) => l.code === code)?.name ?? code;
  const languages = result.summary.map((s) => ({ code: s.language, name: name(s.language) }));
  const series = [
    {
      id: 'byte',
      label: 'next byte (exact TVD)',
      relative: Object.fromEntries(result.summary.map((s) => [s.language, s.meanNextByteTvd])),
    },
    {
      id: 'character',
      label: 'next character (TVD, at least)',
      relative: Object.fromEntries(result.summary.map((s) => [s.language, s.meanCharacterTvdAtLeast])),
    },
  ];
  const pruned = result.rows.some((r) => r.errorBound > 0);
  return (
    <>
      <ExportableChart
        title="Naive vs exact next character: total variation distance per language"
        caption={chartCaption(modelLabel, `${formatCount(result.rows.length)} prompts`)}
        testId="languageBias.export"
      >
        <ParityChart
          width={Math.min(width, 720)}
          languages={languages}
          series={series}
          domainMax={1}
          referenceValue={null}
          tickFormat={(t) => t.toFixed(1)}
          describe={(v) => `mean TVD ${v.toFixed(3)}`}
          ariaLabel="Mean total variation distance between the naive and the exact next character, per language"
          testId="tokenizers.languageBias.chart"
        />
      </ExportableChart>
      <table className="tlab-table" data-testid="tokenizers.languageBias.table">
        <caption>
          Mean over each language's prompts. Next byte: the exact distance between the two next-byte distributions. Next
          character: characters below {result.minCharacterProbability} pooled as one, so the distance shown is a lower
          bound.{' '}
          {pruned
            ? "Some exact results were pruned: see each prompt's bound."
            : 'Every candidate token was checked: the exact side is exact.'}
        </caption>
        <thead>
          <tr>
            <th scope="col">Language</th>
            <th scope="col">Next byte TVD</th>
            <th scope="col">Next character TVD ≥</th>
            <th scope="col">Top character differs</th>
            <th scope="col">Prompts</th>
          </tr>
        </thead>
        <tbody>
          {result.summary.map((s) => (
            <tr key={s.language} data-testid="tokenizers.languageBias.row" data-language={s.language}>
              <th scope="row">{name(s.language)}</th>
              <td>{s.meanNextByteTvd.toFixed(3)}</td>
              <td>{s.meanCharacterTvdAtLeast.toFixed(3)}</td>
              <td>{percent(s.topDiffers)}</td>
              <td>
                <button
                  type="button"
                  aria-expanded={open === s.language}
                  onClick={() => setOpen(open === s.language ? null : s.language)}
                >
                  {s.prompts}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {open && (
        <table className="tlab-table" data-testid="tokenizers.languageBias.prompts">
          <caption>
            {name(open)}: each prompt, the character that follows it in the sentence, and the top next character naive
            and exact.
          </caption>
          <thead>
            <tr>
              <th scope="col">Prompt</th>
              <th scope="col">In the sentence</th>
              <th scope="col">Naive top</th>
              <th scope="col">Exact top</th>
              <th scope="col">Char TVD ≥</th>
              <th scope="col">Byte TVD</th>
            </tr>
          </thead>
          <tbody>
            {result.rows
              .filter((r) => r.language === open)
              .map((r) => (
                <tr key={r.sentence}>
                  <td>
                    <code>{visibleToken(r.text)}</code>
                  </td>
                  <td>
                    <code>{visibleToken(r.nextInSentence)}</code> (naive {percent(r.naiveSentenceNext)}, exact{' '}
                    {percent(r.exactSentenceNext)})
                  </td>
                  <td>{top(r.naiveTop)}</td>
                  <td>
                    {top(r.exactTop)}
                    {r.errorBound > 0 ? ` (within ${r.errorBound.toExponential(1)})` : ''}
                  </td>
                  <td>{r.characterTvdAtLeast.toFixed(3)}</td>
                  <td>{r.nextByteTvd.toFixed(3)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
      <p className="hint">
        {result.rows.length} prompts in {(result.elapsedMs / 1000).toFixed(1)} s.
      </p>
    </>
  );
}

export function LanguageBiasPanel() {
  const model = useSession((s) => s.model);
  const [ref, width] = useWidth<HTMLDivElement>(600);
  const [perLanguage, setPerLanguage] = useState(3);
  const task = useWorkerTask<LanguageBiasResult, LanguageBiasProgress>();
  const run = () =>
    task.run((signal, onProgress) =>
      engineClient().call('tokenizerLabLanguageBias', { perLanguage }, { signal, onProgress }),
    );
  return (
    <div className="tlab-language-bias" ref={ref} data-testid="tokenizers.languageBias">
      <p className="hint">
        On the loaded model{model ? ` (${model.label})` : ''}: each of the 17 parity languages' first sentences cut
        inside a word (inside the letter run nearest 40% of the sentence), then the naive next character (the first
        character of the next token after the prompt as tokenized) against the exact one (the byte-token representation
        lemma). The distance is what the cut costs the naive reading; the embedded models saw English only.
      </p>
      <label>
        Prompts per language{' '}
        <select
          value={perLanguage}
          onChange={(e) => setPerLanguage(Number(e.target.value))}
          data-testid="tokenizers.languageBias.perLanguage"
        >
          {[1, 2, 3].map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>{' '}
      <button
        type="button"
        onClick={run}
        disabled={!model || task.status === 'working'}
        data-testid="tokenizers.languageBias.run"
      >
        Run on {model?.label ?? 'the model'}
      </button>
      {task.status === 'working' && (
        <p className="bigram__progress" role="status" data-testid="tokenizers.languageBias.progress">
          {task.progress ? `Prompt ${task.progress.done} of ${task.progress.total}` : 'Starting…'}
          {task.progress && <progress max={task.progress.total} value={task.progress.done} />}
          <button type="button" onClick={task.cancel} data-testid="tokenizers.languageBias.cancel">
            Cancel
          </button>
        </p>
      )}
      {task.status === 'cancelled' && <p className="hint">Cancelled.</p>}
      {task.error && (
        <p className="error" role="alert">
          {task.error}
        </p>
      )}
      {task.result && <Results result={task.result} width={width} modelLabel={model?.label ?? ''} />}
    </div>
  );
}
