/**
 * Tokens per language relative to English, per tokenizer, on the parallel sentences shipped
 * with the app (17 languages, 11 scripts; CC0, core/tokenizers/parity/README.md).
 */
import { ExportableChart } from '../common/ChartExport';
import { ParityChart } from '../../charts/ParityChart';
import type { LabParityRow } from '../../protocol/tokenizerLab';
import { useWidth } from '../next-token/useWidth';

export function ParityPanel({ rows }: { rows: readonly LabParityRow[] }) {
  const [ref, width] = useWidth<HTMLDivElement>(600);
  const ok = rows.filter((r): r is Extract<LabParityRow, { status: 'ok' }> => r.status === 'ok');
  const languages = ok[0]?.languages ?? [];
  return (
    <div className="tlab-parity" ref={ref} data-testid="tokenizers.parity">
      {rows
        .filter((r) => r.status === 'error')
        .map((r) => (
          <p key={r.tokenizerId} className="error" role="alert">
            {r.status === 'error' ? r.message : ''}
          </p>
        ))}
      {ok.length > 0 && (
        <>
          <ExportableChart
            title="Tokens per language relative to English"
            caption={`the same six sentences in ${languages.length} languages; ${ok.map((r) => r.label).join(', ')}`}
            testId="parity.export"
          >
            <ParityChart
              width={Math.min(width, 720)}
              languages={languages}
              series={ok.map((r) => ({
                id: r.tokenizerId,
                label: r.label,
                relative: Object.fromEntries(r.languages.map((l) => [l.code, l.relativeTokens])),
              }))}
            />
          </ExportableChart>
          <table className="tlab-table" data-testid="tokenizers.parity.table">
            <caption>
              Tokens for the same six sentences, relative to English (English tokens in brackets). Above 1: the language
              costs more tokens.
            </caption>
            <thead>
              <tr>
                <th scope="col">Language</th>
                <th scope="col">Script</th>
                {ok.map((r) => (
                  <th key={r.tokenizerId} scope="col">
                    {r.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {languages.map((language, i) => (
                <tr key={language.code} data-testid="tokenizers.parity.row" data-language={language.code}>
                  <th scope="row">{language.name}</th>
                  <td className="muted">{language.script}</td>
                  {ok.map((r) => (
                    <td
                      key={r.tokenizerId}
                      title={`${r.languages[i].tokens} tokens, ${r.languages[i].bytesPerToken.toFixed(2)} bytes/token`}
                    >
                      {r.languages[i].relativeTokens.toFixed(2)}
                      {language.code === 'en' ? ` (${r.languages[i].tokens})` : ''}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
