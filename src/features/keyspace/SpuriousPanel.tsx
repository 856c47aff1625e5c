/**
 * The spurious-correlation split (Peng et al., adapted; docs/PAPERS.md section 1): with the
 * user's acceptable answers, candidates beyond the top K are split into those whose key is
 * like a top key (keySim at or above the threshold) and the rest, and each group gets its
 * precision G, mean rank R and share P.
 */
import { useEffect, useMemo, useState } from 'react';
import {
  canStartAcceptable,
  isAcceptableAnswer,
  parseAnswerList,
  spuriousCorrelationSplit,
  type GroupStats,
} from '../../core/keyspace';
import type { ExpandedCandidate } from '../../protocol/keySpace';
import type { KeySimResult } from '../../protocol/keySpace';
import { engineClient } from '../../state/engineClient';
import { visibleToken } from '../../core/tokenization/visibleText';
import { useWorkerTask } from '../common/useWorkerTask';

interface Props {
  result: KeySimResult;
  threshold: number;
  tokenText: (id: number) => string;
  /** The context the candidates follow (start token included), for expanding them. */
  contextIds: number[];
}

const percent = (value: number | null) => (value === null ? '–' : `${(100 * value).toFixed(0)}%`);

function GroupRow({ name, group, testId }: { name: string; group: GroupStats; testId: string }) {
  return (
    <tr data-testid={testId} data-count={group.count} data-correct={group.correct}>
      <th scope="row">{name}</th>
      <td>{group.count}</td>
      <td>{testId.endsWith('top') ? '' : percent(group.proportion)}</td>
      <td>{group.correct}</td>
      <td>{percent(group.precision)}</td>
      <td>{group.meanRank === null ? '–' : group.meanRank.toFixed(1)}</td>
    </tr>
  );
}

export function SpuriousPanel({ result, threshold, tokenText, contextIds }: Props) {
  const [answersText, setAnswersText] = useState('');
  const expansion = useWorkerTask<ExpandedCandidate[], { done: number; total: number }>();
  const answers = useMemo(() => parseAnswerList(answersText), [answersText]);
  // A new distribution makes old expansions meaningless.
  const resetExpansion = expansion.reset;
  useEffect(() => resetExpansion(), [result, resetExpansion]);

  const expand = () => {
    const tokenIds = result.candidates.map((c) => c.tokenId);
    expansion.run((signal, onProgress) =>
      engineClient().call('keyExpand', { contextIds, tokenIds }, { signal, onProgress }),
    );
  };

  const expanded = expansion.status === 'ready' ? expansion.result : null;
  const expandProgress = expansion.progress ?? { done: 0, total: result.candidates.length };
  const split = useMemo(() => {
    if (answers.length === 0) return null;
    const acceptableIds = expanded
      ? expanded.filter((e) => isAcceptableAnswer(e.answer, answers)).map((e) => e.tokenId)
      : result.candidates.filter((c) => canStartAcceptable(tokenText(c.tokenId), answers)).map((c) => c.tokenId);
    const profile = { candidates: result.candidates, topK: result.topK, similarityToTop: new Float64Array(0) };
    return spuriousCorrelationSplit(profile, acceptableIds, { kind: 'keySim', minKeySim: threshold });
  }, [answers, result, threshold, tokenText, expanded]);
  return (
    <section className="keyspace__spurious" aria-label="Spurious key correlation" data-testid="keyspace.spurious">
      <h4>Are the look-alikes right? (spurious key correlation)</h4>
      <label className="keyspace__answers">
        Acceptable answers for this prompt (one per line or comma-separated)
        <textarea
          rows={3}
          value={answersText}
          data-testid="keyspace.answers"
          onChange={(e) => setAnswersText(e.target.value)}
          placeholder="e.g. America, Mexico, Colombia"
        />
      </label>
      <p className="hint">
        {expanded
          ? `Each candidate was expanded greedily after the shown context until a closing quote (at most 64 tokens), as the paper does for prompts like …1. "; an answer is correct when it equals an acceptable one (case, quotes and outer punctuation ignored). `
          : 'Quick approximation: a candidate counts as correct when its text (case, quotes and spaces ignored) begins an acceptable answer. Expand the candidates to judge whole answers, as the paper does. '}
        Adapted from the paper, which judges with GPT-4o and groups keys by k-means clusters; here the groups are keySim
        ≥ {threshold.toFixed(2)} (“look-alike”) or not.
      </p>
      <p>
        {expansion.status === 'working' ? (
          <span role="status" data-testid="keyspace.expand.progress">
            Expanding candidate {expandProgress.done} of {expandProgress.total}{' '}
            <progress value={expandProgress.done} max={expandProgress.total} />{' '}
            <button type="button" data-testid="keyspace.expand.stop" onClick={expansion.cancel}>
              Stop
            </button>
          </span>
        ) : (
          <button type="button" data-testid="keyspace.expand" onClick={expand}>
            {expanded
              ? 'Expand again'
              : `Expand the ${result.candidates.length} candidates into whole answers (greedy, up to ${result.candidates.length * 64} model steps)`}
          </button>
        )}
        {expansion.status === 'error' && (
          <span className="error" role="alert">
            {' '}
            {expansion.error}
          </span>
        )}
      </p>
      {split && (
        <table className="keyspace__split" data-testid="keyspace.split">
          <thead>
            <tr>
              <th scope="col">group</th>
              <th scope="col">tokens</th>
              <th scope="col">share P</th>
              <th scope="col">correct</th>
              <th scope="col">precision G</th>
              <th scope="col">mean rank R</th>
            </tr>
          </thead>
          <tbody>
            <GroupRow name={`top ${result.topK} (reference)`} group={split.top} testId="keyspace.split.top" />
            <GroupRow name="beyond the top K, look-alike key" group={split.main} testId="keyspace.split.main" />
            <GroupRow name="beyond the top K, other" group={split.other} testId="keyspace.split.other" />
          </tbody>
        </table>
      )}
      {split && (
        <p className="hint">
          The paper’s claim: mid-ranked tokens in the top keys’ neighbourhood are correct less often than the others
          (G_main &lt; G_other). Here:{' '}
          {split.main.precision === null || split.other.precision === null
            ? 'one group is empty.'
            : split.main.precision < split.other.precision
              ? 'it holds for this prompt.'
              : 'it does not hold for this prompt.'}
        </p>
      )}
      {expanded && (
        <details>
          <summary>The expanded answers</summary>
          <ol className="keyspace__expanded" data-testid="keyspace.expanded">
            {expanded.map((e) => (
              <li
                key={e.tokenId}
                className={
                  answers.length > 0 && isAcceptableAnswer(e.answer, answers) ? 'keyspace__answer--correct' : undefined
                }
              >
                {visibleToken(tokenText(e.tokenId))} → {JSON.stringify(e.answer)}
                {e.finished ? '' : ' (no closing quote in 64 tokens)'}
              </li>
            ))}
          </ol>
        </details>
      )}
    </section>
  );
}
