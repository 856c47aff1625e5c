/**
 * Adds a tokenizer to the lab: a tokenizer.json (with its tokenizer_config.json, optional)
 * picked from this device (it never leaves it), or a Hub id fetched from the Hub host setting.
 */
import { useState } from 'react';
import type { LabTokenizerInfo, LabTokenizerSource } from '../../protocol/tokenizerLab';
import { engineClient } from '../../state/engineClient';
import { useSession } from '../../state/sessionStore';

export function AddTokenizer({ onAdded }: { onAdded: (info: LabTokenizerInfo) => void }) {
  const hubUrl = useSession((s) => s.settings.hubUrl);
  const [hubId, setHubId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const add = async (source: LabTokenizerSource) => {
    setBusy(true);
    setError(null);
    try {
      onAdded(await engineClient().call('tokenizerLabAddTokenizer', source));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const onFiles = async (files: FileList | null) => {
    const picked = [...(files ?? [])];
    const json = picked.find((f) => f.name !== 'tokenizer_config.json');
    if (!json) return setError('Pick a tokenizer.json (and, if you have it, its tokenizer_config.json).');
    const config = picked.find((f) => f.name === 'tokenizer_config.json');
    await add({
      kind: 'file',
      name: json.name,
      tokenizerJson: await json.text(),
      tokenizerConfig: config ? await config.text() : undefined,
    });
  };

  return (
    <details className="tlab-add" data-testid="tokenizers.add">
      <summary>Add a tokenizer (file or Hub id)</summary>
      <label>
        From this device:{' '}
        <input
          type="file"
          accept=".json,application/json"
          multiple
          disabled={busy}
          data-testid="tokenizers.add.file"
          onChange={(e) => void onFiles(e.target.files)}
        />
      </label>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (hubId.trim()) void add({ kind: 'hub', id: hubId.trim(), host: hubUrl });
        }}
      >
        <label>
          Hub id{' '}
          <input
            value={hubId}
            placeholder="Xenova/gpt2"
            spellCheck={false}
            disabled={busy}
            data-testid="tokenizers.add.hub"
            onChange={(e) => setHubId(e.target.value)}
          />
        </label>{' '}
        <button type="submit" disabled={busy || !hubId.trim()} data-testid="tokenizers.add.hub.submit">
          Fetch tokenizer
        </button>{' '}
        <span className="hint">from {hubUrl} (tokenizer.json, tokenizer_config.json)</span>
      </form>
      {busy && <p className="hint">Reading the tokenizer…</p>}
      {error && (
        <p className="error" role="alert" data-testid="tokenizers.add.error">
          {error}
        </p>
      )}
    </details>
  );
}
