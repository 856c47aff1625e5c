/** Which tokenizers to compare: each with its algorithm, vocabulary and what selecting it downloads. */
import type { LabTokenizerInfo } from '../../protocol/tokenizerLab';
import { formatBytes } from '../../core/formatBytes';

export interface TokenizerPickerProps {
  tokenizers: readonly LabTokenizerInfo[];
  selected: readonly string[];
  onChange: (selected: string[]) => void;
}

export function TokenizerPicker({ tokenizers, selected, onChange }: TokenizerPickerProps) {
  const toggle = (id: string, on: boolean) => {
    // Keep the list's order, so rows do not jump around as tokenizers are added.
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    onChange(tokenizers.map((t) => t.id).filter((t) => next.has(t)));
  };
  return (
    <fieldset className="tlab-picker" data-testid="tokenizers.picker">
      <legend>Tokenizers</legend>
      {tokenizers.map((t) => (
        <label
          key={t.id}
          className="tlab-picker__item"
          title={t.source}
          data-testid="tokenizers.option"
          data-tokenizer={t.id}
        >
          <input type="checkbox" checked={selected.includes(t.id)} onChange={(e) => toggle(t.id, e.target.checked)} />
          <span className="tlab-picker__name">{t.label}</span>
          <span className="tlab-picker__meta">
            {t.algorithm} · {t.vocabularySize.toLocaleString('en-US')} tokens ·{' '}
            {t.kind === 'model' ? 'loaded' : t.ready ? 'in memory' : `${formatBytes(t.downloadBytes)} to fetch`}
          </span>
        </label>
      ))}
    </fieldset>
  );
}
