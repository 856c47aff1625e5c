/**
 * The corpus bigram reference: the embedded model's training split (a static file counted by
 * `npm run bigram`) or a text the user gives, then how close the full model and each bigram
 * approximation come to it over the text (cross-entropy and Pearson r of surprisals).
 */
import { useEffect, useState } from 'react';
import type { ApproximationName, BigramCorpusResult, BigramProgress, CorpusInfo } from '../../protocol/bigram';
import type { ModelInfo } from '../../protocol/model';
import { engineClient } from '../../state/engineClient';
import { ProgressLine } from './ProgressLine';
import { useWorkerTask } from '../common/useWorkerTask';

const APPROXIMATIONS: Record<ApproximationName, string> = {
  'full-model': 'Full model, whole context (reference, not an approximation)',
  'context-1': 'Context-1: the model on [start, token] — approximation',
  'early-exit-1': 'Early exit: logit lens at layer 1 — approximation',
  'first-mlp-only':
    'First-MLP-only path (embedding → block 0 attending to itself → final norm → unembedding) — approximation',
};

interface EmbeddedEntry {
  file: string;
  split: string;
  tokens: number;
}

/** A short content hash so two different texts never share a cached table. */
function textHash(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16);
}

export interface CorpusPanelProps {
  model: ModelInfo;
  ids: readonly number[] | null;
  corpus: CorpusInfo | null;
  onCorpus: (info: CorpusInfo | null) => void;
}

export function CorpusPanel({ model, ids, corpus, onCorpus }: CorpusPanelProps) {
  const embeddedId = model.source.kind === 'embedded' ? model.source.id : null;
  const [entry, setEntry] = useState<EmbeddedEntry | null>(null);
  const [userText, setUserText] = useState('');
  const [setError, setSetError] = useState<string | null>(null);
  const comparison = useWorkerTask<BigramCorpusResult, BigramProgress>();

  useEffect(() => {
    setEntry(null);
    if (!embeddedId) return;
    let live = true;
    fetch(new URL('bigram/index.json', document.baseURI))
      .then((r) => (r.ok ? r.json() : null))
      .then((index: Record<string, EmbeddedEntry> | null) => {
        if (live) setEntry(index?.[embeddedId] ?? null);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [embeddedId]);

  useEffect(() => {
    if (!corpus || !ids || ids.length < 2) return;
    comparison.run((signal, onProgress) =>
      engineClient().call('bigramCorpus', { ids: [...ids] }, { signal, onProgress }),
    );
  }, [corpus, ids]);

  const use = async (make: () => Promise<CorpusInfo>) => {
    setSetError(null);
    try {
      onCorpus(await make());
    } catch (error) {
      setSetError(error instanceof Error ? error.message : String(error));
    }
  };
  const useTrainingSplit = () =>
    use(async () => {
      const response = await fetch(new URL(`bigram/${entry!.file}`, document.baseURI));
      if (!response.ok) throw new Error(`bigram/${entry!.file} could not be fetched (HTTP ${response.status}).`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      return engineClient().call('bigramSetCorpus', { kind: 'file', label: `${embeddedId} training split`, bytes });
    });
  const useText = () =>
    use(() =>
      engineClient().call('bigramSetCorpus', {
        kind: 'text',
        label: `your text #${textHash(userText)}`,
        text: userText,
      }),
    );

  return (
    <section className="bigram__corpus" data-testid="bigram.corpus">
      <h2>Corpus bigram reference</h2>
      <p className="bigram__note">
        P_bg(next | current) = c(current, next) / c(current), counted on a corpus with the model's tokenizer; unseen
        contexts back off to the unigram.
      </p>
      <div className="bigram__row">
        {entry && (
          <button type="button" onClick={useTrainingSplit} data-testid="bigram.corpus.training">
            Use {embeddedId}'s training split ({entry.tokens.toLocaleString('en-US')} tokens)
          </button>
        )}
        <label className="bigram__grow">
          <span className="next-token__label">or count a text you provide</span>
          <textarea
            rows={2}
            value={userText}
            onChange={(e) => setUserText(e.target.value)}
            data-testid="bigram.corpus.text"
            spellCheck={false}
          />
        </label>
        <button
          type="button"
          onClick={useText}
          disabled={userText.trim().length === 0}
          data-testid="bigram.corpus.useText"
        >
          Count this text
        </button>
      </div>
      {setError && (
        <p className="notice notice--error" role="alert" data-testid="bigram.corpus.error">
          {setError}
        </p>
      )}
      {corpus && (
        <p data-testid="bigram.corpus.info">
          Reference: {corpus.label} — {corpus.tokens.toLocaleString('en-US')} tokens,{' '}
          {corpus.contexts.toLocaleString('en-US')} contexts, {corpus.pairs.toLocaleString('en-US')} distinct pairs.
        </p>
      )}
      <ProgressLine
        status={comparison.status}
        progress={comparison.progress}
        error={comparison.error}
        onCancel={comparison.cancel}
        testId="bigram.corpus.progress"
      />
      {comparison.result && corpus && <ComparisonTable result={comparison.result} />}
    </section>
  );
}

function ComparisonTable({ result }: { result: BigramCorpusResult }) {
  return (
    <>
      <table className="bigram__table" data-testid="bigram.corpus.table">
        <thead>
          <tr>
            <th>Prediction</th>
            <th title="mean over positions of −Σ P_bg log₂ q">Cross-entropy vs corpus bigram (bits)</th>
            <th title="between −log₂ q(next) and −log₂ P_bg(next | current)">Pearson r of surprisals</th>
          </tr>
        </thead>
        <tbody>
          {result.scores.map((score) => (
            <tr key={score.name} data-testid="bigram.corpus.score" data-name={score.name}>
              <th scope="row">{APPROXIMATIONS[score.name]}</th>
              <td>{score.crossEntropyBits.toFixed(3)}</td>
              <td>{Number.isFinite(score.surprisalPearson) ? score.surprisalPearson.toFixed(3) : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="bigram__note">
        Over {result.scores[0]?.positions ?? 0} positions; {(100 * result.seenContextRate).toFixed(1)}% of their current
        tokens were seen as a context in the corpus.
        {result.unavailable.map((u) => ` ${APPROXIMATIONS[u.name]}: not available — ${u.reason}`).join('')}
      </p>
    </>
  );
}
