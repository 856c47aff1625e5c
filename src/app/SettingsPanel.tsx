/** Settings that change how the engine runs; they persist and survive worker restarts. */
import { useState } from 'react';
import { hubHostProblem, withTrailingSlash } from '../engine/sources';
import { updateSettings } from '../state/engineActions';
import { useSession } from '../state/sessionStore';
import { HubHostPolicyNote } from './HubHostPolicyNote';

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
          <input type="radio" name="backend" data-testid="settings.backend.auto" checked={settings.backend === 'auto'} onChange={() => updateSettings({ backend: 'auto' })} />
          Automatic (WebGPU when available{report ? (report.webgpuAdapter ? `: ${report.webgpuAdapterName}` : `: ${report.webgpuUnavailableReason}`) : ''})
        </label>
        <label>
          <input type="radio" name="backend" data-testid="settings.backend.wasm" checked={settings.backend === 'wasm'} onChange={() => updateSettings({ backend: 'wasm' })} />
          Always WASM (CPU)
        </label>
      </fieldset>
      <label>
        Bars in the distribution
        <input type="number" min={1} max={200} value={settings.topN} data-testid="settings.topN" onChange={(event) => {
          const value = Number(event.target.value);
          if (Number.isInteger(value) && value >= 1 && value <= 200) updateSettings({ topN: value });
        }} />
      </label>
      <form onSubmit={(event) => { event.preventDefault(); if (hubProblem === null) updateSettings({ hubUrl: withTrailingSlash(hubDraft.trim()) }); }}>
        <label>
          Hub host
          <input value={hubDraft} data-testid="settings.hubUrl" aria-invalid={hubProblem !== null}
            aria-describedby={hubProblem ? 'hub-host-problem' : undefined} onChange={(event) => setHubDraft(event.target.value)} />
        </label>
        <button type="submit" disabled={hubProblem !== null || hubDraft === settings.hubUrl}>Use</button>
        {hubProblem && <p className="error" id="hub-host-problem" data-testid="settings.hubUrl.problem">{hubProblem}</p>}
        <HubHostPolicyNote hubUrl={settings.hubUrl} />
      </form>
    </section>
  );
}
