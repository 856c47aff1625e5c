/** Settings that change how the engine runs; they persist and survive worker restarts. */
import { useEffect, useState } from 'react';
import { INFINI_GRAM_INDEXES } from '../core/ngram/infiniGramApiTypes';
import { hubHostProblem, withTrailingSlash } from '../protocol/modelSources';
import { updateSettings } from '../state/engineActions';
import { useSession } from '../state/sessionStore';
import { infiniGramHostProblem, THEMES } from '../state/settings';
import { connectRefusal } from '../state/connectPolicy';
import { HubHostPolicyNote } from '../features/models/HubHostPolicyNote';

const TOKENIZER_LABELS = { 'llama-2': 'Llama 2', olmo: 'OLMo', gpt2: 'GPT-2' } as const;

export function SettingsPanel() {
  const settings = useSession((s) => s.settings);
  const report = useSession((s) => s.backendReport);
  const [hubDraft, setHubDraft] = useState(settings.hubUrl);
  const hubProblem = hubHostProblem(hubDraft);
  return (
    <section className="settings" aria-labelledby="settings-heading" data-testid="settings.panel">
      <h3 id="settings-heading">Settings</h3>
      <fieldset>
        <legend>Backend</legend>
        <label>
          <input
            type="radio"
            name="backend"
            data-testid="settings.backend.auto"
            checked={settings.backend === 'auto'}
            onChange={() => updateSettings({ backend: 'auto' })}
          />
          Automatic (WebGPU when available
          {report
            ? report.webgpuAdapter
              ? `: ${report.webgpuAdapterName}`
              : `: ${report.webgpuUnavailableReason}`
            : ''}
          )
        </label>
        <label>
          <input
            type="radio"
            name="backend"
            data-testid="settings.backend.wasm"
            checked={settings.backend === 'wasm'}
            onChange={() => updateSettings({ backend: 'wasm' })}
          />
          Always WASM (CPU)
        </label>
      </fieldset>
      <label>
        Theme
        <select
          value={settings.theme}
          data-testid="settings.theme"
          onChange={(event) => updateSettings({ theme: THEMES.find((t) => t === event.target.value) ?? 'system' })}
        >
          <option value="system">Follow the system</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </label>
      <label>
        Bars in the distribution
        <input
          type="number"
          min={1}
          max={200}
          value={settings.topN}
          data-testid="settings.topN"
          onChange={(event) => {
            const value = Number(event.target.value);
            if (Number.isInteger(value) && value >= 1 && value <= 200) updateSettings({ topN: value });
          }}
        />
      </label>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (hubProblem === null) updateSettings({ hubUrl: withTrailingSlash(hubDraft.trim()) });
        }}
      >
        <label>
          Hub host
          <input
            value={hubDraft}
            data-testid="settings.hubUrl"
            aria-invalid={hubProblem !== null}
            aria-describedby={hubProblem ? 'hub-host-problem' : undefined}
            onChange={(event) => setHubDraft(event.target.value)}
          />
        </label>
        <button type="submit" disabled={hubProblem !== null || hubDraft === settings.hubUrl}>
          Use
        </button>
        {hubProblem && (
          <p className="error" id="hub-host-problem" data-testid="settings.hubUrl.problem">
            {hubProblem}
          </p>
        )}
        <HubHostPolicyNote hubUrl={settings.hubUrl} />
      </form>
      <InfiniGramSettings />
    </section>
  );
}

/**
 * The corpus view's second ∞-gram backend, the public infini-gram API: off by default (then
 * nothing is sent anywhere), its host (validated like the Hub host, and checked against the
 * page's Content-Security-Policy) and its index, each listed with the tokenizer of its ids.
 */
function InfiniGramSettings() {
  const settings = useSession((s) => s.settings);
  const [draft, setDraft] = useState(settings.infiniGramUrl);
  const problem = infiniGramHostProblem(draft);
  const index = INFINI_GRAM_INDEXES.find((i) => i.name === settings.infiniGramIndex);
  return (
    // minWidth 0: a fieldset is as wide as its widest child by default, and the index names are long.
    <fieldset data-testid="settings.infinigram" style={{ minWidth: 0 }}>
      <legend>infini-gram API (corpus view)</legend>
      <label>
        <input
          type="checkbox"
          checked={settings.infiniGramApi}
          data-testid="settings.infinigram.enabled"
          onChange={(event) => updateSettings({ infiniGramApi: event.target.checked })}
        />{' '}
        Use the infini-gram API in the corpus view: the text before the selected position goes to the host below as{' '}
        {index ? TOKENIZER_LABELS[index.tokenizer] : 'the index tokenizer’s'} token ids (off: nothing is sent anywhere)
      </label>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (problem === null) updateSettings({ infiniGramUrl: withTrailingSlash(draft.trim()) });
        }}
      >
        <label>
          API host
          <input
            value={draft}
            data-testid="settings.infinigram.url"
            aria-invalid={problem !== null}
            aria-describedby={problem ? 'infinigram-host-problem' : undefined}
            onChange={(event) => setDraft(event.target.value)}
          />
        </label>
        <button
          type="submit"
          data-testid="settings.infinigram.use"
          disabled={problem !== null || draft === settings.infiniGramUrl}
        >
          Use
        </button>
        {problem && (
          <p className="error" id="infinigram-host-problem" data-testid="settings.infinigram.url.problem">
            {problem}
          </p>
        )}
        <InfiniGramHostPolicyNote url={settings.infiniGramUrl} />
      </form>
      <label>
        Index{' '}
        <select
          value={settings.infiniGramIndex}
          data-testid="settings.infinigram.index"
          style={{ minWidth: 0, maxWidth: '100%' }}
          onChange={(event) => updateSettings({ infiniGramIndex: event.target.value })}
        >
          {INFINI_GRAM_INDEXES.map((i) => (
            <option key={i.name} value={i.name}>
              {i.corpus} · {i.name} ({TOKENIZER_LABELS[i.tokenizer]} tokens)
            </option>
          ))}
        </select>
      </label>
    </fieldset>
  );
}

/** Says when the page's Content-Security-Policy refuses the API host (as HubHostPolicyNote does for the Hub). */
function InfiniGramHostPolicyNote({ url }: { url: string }) {
  const [refusal, setRefusal] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    setRefusal(null);
    connectRefusal(url, 'the infini-gram API there cannot be asked').then(
      (text) => {
        if (current) setRefusal(text);
      },
      () => undefined, // not a URL: the field says so itself
    );
    return () => {
      current = false;
    };
  }, [url]);
  return refusal ? (
    <p className="error" role="alert" data-testid="settings.infinigram.policy">
      {refusal}
    </p>
  ) : null;
}
