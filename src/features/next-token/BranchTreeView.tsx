/**
 * Every explored continuation as a small tree: each edge is one appended token with the
 * probability the model gave it (and the seed of a sampled step). Clicking a node walks back
 * to that continuation; the text itself is the root.
 */
import type { BranchNode, BranchTree } from '../../core/lab/branchTree';
import { ROOT_ID } from '../../core/lab/branchTree';
import { formatProbability } from '../../charts/ProbabilityBars';
import { continuationAsText, showBranch } from '../../state/nextTokenActions';
import { setText } from '../../state/engineActions';
import { useSession } from '../../state/sessionStore';
import { visibleToken } from '../../core/tokenization/visibleText';

/** Chains of single children are drawn on one line, so a generated run stays compact. */
function chainFrom(tree: BranchTree, node: BranchNode): BranchNode[] {
  const chain = [node];
  let current = node;
  while (current.childIds.length === 1) {
    current = tree.nodes[current.childIds[0]];
    chain.push(current);
  }
  return chain;
}

function Branch({ tree, node, tokenText }: { tree: BranchTree; node: BranchNode; tokenText: (id: number) => string }) {
  const chain = chainFrom(tree, node);
  const last = chain[chain.length - 1];
  return (
    <li>
      <span className="branch__chain">
        {chain.map((n) => (
          <button
            key={n.id}
            type="button"
            className={`branch__token${n.id === tree.currentId ? ' branch__token--current' : ''}`}
            data-testid="branch.node"
            data-node-id={n.id}
            aria-current={n.id === tree.currentId}
            title={`${n.how}${n.seed !== null ? ` · seed ${n.seed}` : ''} · p ${formatProbability(n.probability)}${n.sampledProbability !== null ? ` (sampled from ${formatProbability(n.sampledProbability)})` : ''}`}
            onClick={() => showBranch(n.id)}
          >
            {visibleToken(tokenText(n.tokenId))}
            <small className="branch__p">{formatProbability(n.probability)}</small>
          </button>
        ))}
      </span>
      {last.childIds.length > 1 && (
        <ul>
          {last.childIds.map((id) => (
            <Branch key={id} tree={tree} node={tree.nodes[id]} tokenText={tokenText} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function BranchTreeView() {
  const lab = useSession((s) => s.nextToken);
  const text = useSession((s) => s.text);
  const vocabulary = useSession((s) => s.vocabulary);
  const tokenText = (id: number) => vocabulary?.tokens[id] ?? `#${id}`;
  const root = lab.tree.nodes[ROOT_ID];
  return (
    <section className="branches" aria-label="Explored continuations" data-testid="branch.tree">
      <h3>Continuations</h3>
      {root.childIds.length === 0 ? (
        <p className="hint">Append a token, step or generate: every continuation you try is kept here.</p>
      ) : (
        <>
          <button
            type="button"
            className={`branch__token${lab.tree.currentId === ROOT_ID ? ' branch__token--current' : ''}`}
            data-testid="branch.root"
            onClick={() => showBranch(ROOT_ID)}
          >
            (the text)
          </button>
          <ul>
            {root.childIds.map((id) => (
              <Branch key={id} tree={lab.tree} node={lab.tree.nodes[id]} tokenText={tokenText} />
            ))}
          </ul>
          {lab.continuationTokens.length > 0 && (
            <button type="button" data-testid="branch.keep" onClick={() => setText(text + continuationAsText(lab))}>
              Make the current continuation part of the text
            </button>
          )}
        </>
      )}
    </section>
  );
}
