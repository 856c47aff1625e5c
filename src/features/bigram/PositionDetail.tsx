/** One position: full-context vs context-1 prediction side by side. */
import type { BigramPositionComparison } from '../../core/bigram/compare';
import type { TokenView } from '../../protocol/nextToken';
import { visibleToken } from '../../core/tokenization/visibleText';

export interface PositionDetailProps {
  row: BigramPositionComparison;
  views: ReadonlyMap<number, TokenView>;
}

export function PositionDetail({ row, views }: PositionDetailProps) {
  const label = (id: number | null) =>
    id === null ? '(end of text)' : `“${visibleToken(views.get(id)?.text ?? `#${id}`)}”`;
  return (
    <div className="bigram__detail" data-testid="bigram.detail" data-position={row.position}>
      <p>
        After {label(row.tokenId)} (position {row.position}); next in the text: {label(row.nextTokenId)}. KL(full ‖
        context-1) {row.klNats.toFixed(3)} nats, JS {row.jsNats.toFixed(3)} nats, bigramness {row.bigramness.toFixed(2)}
        .
      </p>
      <table className="bigram__table">
        <thead>
          <tr>
            <th />
            <th>Top-1</th>
            <th>Rank of next</th>
            <th>p(next)</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Full context</th>
            <td>{label(row.top1Full)}</td>
            <td>{row.nextRankFull ?? '–'}</td>
            <td>{row.nextProbabilityFull?.toFixed(4) ?? '–'}</td>
          </tr>
          <tr>
            <th scope="row">Current token only</th>
            <td>{label(row.top1Bigram)}</td>
            <td>{row.nextRankBigram ?? '–'}</td>
            <td>{row.nextProbabilityBigram?.toFixed(4) ?? '–'}</td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}
