/**
 * The tokenization-bias lens (docs/PAPERS.md section 4) on the loaded model: after a prompt that
 * ends mid-word or with a trailing space, the naive next token and byte, token healing, and
 * the exact next byte and characters from the byte-token representation lemma, side by side.
 */
import { BIAS_DEMO_PROMPTS, errorBoundOf, exactHeading } from '../../core/tokenizers';
import { biasLensFingerprint } from '../../core/demoScripts';
import { setBiasPrompt as setPrompt, useBiasLens } from '../../state/biasLensStore';
import { usePublishedReadout } from '../common/usePublishedReadout';
import type { ProgressOf } from '../../protocol/calls';
import type { BiasLensResult } from '../../protocol/tokenizerLab';
import { engineClient } from '../../state/engineClient';
import { useSession } from '../../state/sessionStore';
import { visibleToken } from '../../core/tokenization/visibleText';
import { useWorkerCall } from '../common/useWorkerTask';
import { BiasPromptInput } from './BiasPromptInput';

export function Bars({
  title,
  rows,
  testId,
}: {
  title: string;
  rows: readonly { label: string; probability: number }[];
  testId: string;
}) {
  return (
    <table className="tlab-bias__list" data-testid={testId}>
      <caption>{title}</caption>
      <tbody>
        {rows.map((row, i) => (
          <tr key={i}>
            <th scope="row">
              <code>{row.label}</code>
            </th>
            <td className="tlab-bias__bar">
              <span style={{ width: `${Math.max(1, row.probability * 100)}%` }} />
            </td>
            <td>{(row.probability * 100).toFixed(row.probability < 0.001 ? 3 : 1)}%</td>
          </tr>
        ))}
        {rows.length === 0 && (
          <tr>
            <td className="muted">nothing</td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

function Columns({ result }: { result: BiasLensResult }) {
  const bound = errorBoundOf(result.exact);
  const token = (t: { text: string; probability: number }) => ({
    label: visibleToken(t.text),
    probability: t.probability,
  });
  return (
    <div className="tlab-bias__columns">
      <section data-testid="tokenizers.bias.naive">
        <h3>Naive: after the prompt as tokenized</h3>
        <Bars title="next token" rows={result.naive.tokens.map(token)} testId="tokenizers.bias.naive.tokens" />
        <Bars
          title="next byte (tokens summed by first byte)"
          rows={result.naive.bytes}
          testId="tokenizers.bias.naive.bytes"
        />
      </section>
      <section data-testid="tokenizers.bias.healed">
        <h3>
          Token healing
          {result.healed ? (
            <>
              {' '}
              (backs up <code>{visibleToken(result.healed.removed)}</code>)
            </>
          ) : null}
        </h3>
        {result.healed ? (
          <>
            <Bars
              title={`allowed next tokens (they held ${(result.healed.allowedMass * 100).toFixed(2)}% before renormalising)`}
              rows={result.healed.tokens.map(token)}
              testId="tokenizers.bias.healed.tokens"
            />
            <Bars title="healed next byte" rows={result.healed.bytes} testId="tokenizers.bias.healed.bytes" />
          </>
        ) : (
          <p className="hint">Nothing to heal.</p>
        )}
      </section>
      <section data-testid="tokenizers.bias.exact">
        <h3>{exactHeading('next byte and character', bound)} (byte-token representation lemma)</h3>
        <Bars title="next byte" rows={result.exact.bytes} testId="tokenizers.bias.exact.bytes" />
        <Bars
          title="next character (chained byte steps)"
          rows={result.exact.characters.map((c) => ({ label: visibleToken(c.character), probability: c.probability }))}
          testId="tokenizers.bias.exact.characters"
        />
        <p className="hint" data-testid="tokenizers.bias.exact.bound">
          {bound === 0
            ? 'Every candidate token checked'
            : `Unlikely candidates not checked: each probability is within ${bound.toExponential(1)} of the exact one`}{' '}
          · {result.exact.covers} covers after byte {result.exact.boundary} · {result.exact.forwardPasses} forward
          passes · {(result.exact.elapsedMs / 1000).toFixed(1)} s
        </p>
      </section>
    </div>
  );
}

/** `waiting`: ask nothing yet (the lab's first rows are being worked on). */
export function BiasLensPanel({ waiting = false }: { waiting?: boolean }) {
  const model = useSession((s) => s.model);
  // In a store: a demo script sets it, a recording sees it.
  const prompt = useBiasLens((s) => s.prompt);
  // A new prompt or model cancels the run in the worker and starts another once typing settles.
  const task = useWorkerCall(
    model && prompt && !waiting ? JSON.stringify([model.key, prompt]) : null,
    (signal, onProgress: (progress: ProgressOf<'tokenizerLabBiasLens'>) => void) =>
      engineClient().call('tokenizerLabBiasLens', { prompt }, { signal, onProgress }),
    { settleMs: 400 },
  );
  const demo = BIAS_DEMO_PROMPTS.find((d) => d.text === prompt);
  usePublishedReadout(
    'biasLens',
    task.status === 'ready' && task.result
      ? { input: task.result.prompt, status: 'ready', text: biasLensFingerprint(task.result) }
      : task.status === 'error'
        ? { input: prompt, status: 'error', text: task.error ?? 'The bias lens failed.' }
        : null,
  );
  return (
    <div className="tlab-bias" data-testid="tokenizers.bias">
      <p className="hint">
        On the loaded model{model ? ` (${model.label})` : ''}. A prompt that ends inside a word or with a space puts the
        model where it never was in training; the exact next byte sums over every tokenization that could continue the
        text. The prompt is kept as typed (trailing spaces count).
      </p>
      <BiasPromptInput prompt={prompt} onChange={setPrompt} testId="tokenizers.bias.prompt" />
      {demo && <p className="hint">{demo.note}.</p>}
      {!model && <p className="hint">Load a model to use the lens.</p>}
      {task.status === 'working' && (
        <p className="hint" role="status" data-testid="tokenizers.bias.progress">
          Running the model on every cover{task.progress ? `: ${task.progress.forwardPasses} forward passes` : '…'}{' '}
          <button type="button" onClick={task.cancel} data-testid="tokenizers.bias.cancel">
            Cancel
          </button>
        </p>
      )}
      {task.status === 'cancelled' && <p className="hint">Cancelled: edit the prompt to run again.</p>}
      {task.error && (
        <p className="error" role="alert">
          {task.error}
        </p>
      )}
      {task.result && task.status !== 'working' && (
        <>
          <p className="hint">
            Tokens:{' '}
            {task.result.tokens.map((t, i) => (
              <code key={i} className="chip tlab-chip">
                {visibleToken(t.text)}
              </code>
            ))}
          </p>
          <Columns result={task.result} />
        </>
      )}
    </div>
  );
}
