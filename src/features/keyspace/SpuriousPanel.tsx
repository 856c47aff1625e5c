/**
 * The spurious-correlation split (Peng et al., adapted; PAPERS.md section 1): with the
 * user's acceptable answers, candidates beyond the top K are split into those whose key is
 * like a top key (keySim at or above the threshold) and the rest, and each group gets its
 * precision G, mean rank R and share P.
 */
import { useMemo, useState } from 'react';
import { canStartAcceptable, parseAnswerList, spuriousCorrelationSplit, type GroupStats } from '../../core/keyspace';
import type { KeySimResult } from '../../engine/keySpace';

interface Props {
  result: KeySimResult;
  threshold: number;
  tokenText: (id: number) => string;
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

export function SpuriousPanel({ result, threshold, tokenText }: Props) {
  const [answersText, setAnswersText] = useState('');
  const answers = useMemo(() => parseAnswerList(answersText), [answersText]);
  const split = useMemo(() => {
    if (answers.length === 0) return null;
    const acceptableIds = result.candidates.filter((c) => canStartAcceptable(tokenText(c.tokenId), answers)).map((c) => c.tokenId);
    const profile = { candidates: result.candidates, topK: result.topK, similarityToTop: new Float64Array(0) };
    return spuriousCorrelationSplit(profile, acceptableIds, { kind: 'keySim', minKeySim: threshold });
  }, [answers, result, threshold, tokenText]);
  return (
    <section className="keyspace__spurious" aria-label="Spurious key correlation" data-testid="keyspace.spurious">
      <h4>Are the look-alikes right? (spurious key correlation)</h4>
      <label className="keyspace__answers">
        Acceptable answers for this prompt (one per line or comma-separated)
        <textarea rows={3} value={answersText} data-testid="keyspace.answers" onChange={(e) => setAnswersText(e.target.value)} placeholder="e.g. America, Mexico, Colombia" />
      </label>
      <p className="hint">
        Approximation, labelled: a candidate counts as correct when its text (case, quotes and spaces ignored) begins an acceptable answer. The paper instead
        expands every candidate greedily into a whole answer and asks GPT-4o, and groups keys by k-means clusters; here the groups are keySim ≥ {threshold.toFixed(2)} (“look-alike”) or not.
      </p>
      {split && (
        <table className="keyspace__split" data-testid="keyspace.split">
          <thead>
            <tr><th scope="col">group</th><th scope="col">tokens</th><th scope="col">share P</th><th scope="col">correct</th><th scope="col">precision G</th><th scope="col">mean rank R</th></tr>
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
          The paper’s claim: mid-ranked tokens in the top keys’ neighbourhood are correct less often than the others (G_main &lt; G_other). Here:{' '}
          {split.main.precision === null || split.other.precision === null ? 'one group is empty.' : split.main.precision < split.other.precision ? 'it holds for this prompt.' : 'it does not hold for this prompt.'}
        </p>
      )}
    </section>
  );
}
