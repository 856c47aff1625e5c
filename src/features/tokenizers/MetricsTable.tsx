/** The metrics papers use, per tokenizer, over the whole text (core/tokenizers/metrics.ts). */
import type { LabRow } from '../../protocol/tokenizerLab';

function digitCuts(row: Extract<LabRow, { status: 'ok' }>): string {
  const { numbers } = row.metrics;
  if (numbers.runs.length === 0) return '—';
  const example = numbers.runs.reduce((a, b) => (b.text.length > a.text.length ? b : a));
  return `${example.text} → ${example.pieces.join('+')} · ${numbers.digitsPerPiece.toFixed(2)} digits/token`;
}

export function MetricsTable({ rows }: { rows: readonly LabRow[] }) {
  const ok = rows.filter((r): r is Extract<LabRow, { status: 'ok' }> => r.status === 'ok');
  if (ok.length === 0) return null;
  const words = ok[0].metrics.words;
  // Its own horizontal scroll on a narrow window (1024 px: ~90 px too wide), never the page's;
  // focusable so the keyboard can scroll it too.
  return (
    <div className="tlab-table__scroll" role="region" aria-label="Tokenizer metrics" tabIndex={0}>
      <table className="tlab-table" data-testid="tokenizers.metrics">
        <caption>
          Over the whole text: {ok[0].metrics.characters.toLocaleString('en-US')} characters,{' '}
          {ok[0].metrics.bytes.toLocaleString('en-US')} bytes, {words.toLocaleString('en-US')} words (Unicode word
          segments). Fertility = tokens per word; split words = words cut into 2+ tokens.
        </caption>
        <thead>
          <tr>
            <th scope="col">Tokenizer</th>
            <th scope="col">Tokens</th>
            <th scope="col">Chars / token</th>
            <th scope="col">Bytes / token</th>
            <th scope="col">Fertility</th>
            <th scope="col">Split words</th>
            <th scope="col">Digit runs (longest → pieces)</th>
            <th scope="col">Time</th>
          </tr>
        </thead>
        <tbody>
          {ok.map((row) => (
            <tr key={row.tokenizerId} data-testid="tokenizers.metrics.row" data-tokenizer={row.tokenizerId}>
              <th scope="row">{row.label}</th>
              <td data-testid="tokenizers.metrics.tokens">{row.metrics.tokens.toLocaleString('en-US')}</td>
              <td>{row.metrics.charactersPerToken.toFixed(2)}</td>
              <td>{row.metrics.bytesPerToken.toFixed(2)}</td>
              <td>{words ? row.metrics.fertility.toFixed(2) : '—'}</td>
              <td>{words ? `${(row.metrics.splitWordShare * 100).toFixed(1)}%` : '—'}</td>
              <td>{digitCuts(row)}</td>
              <td className="muted">
                {row.elapsedMs < 1000 ? `${row.elapsedMs.toFixed(0)} ms` : `${(row.elapsedMs / 1000).toFixed(1)} s`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
