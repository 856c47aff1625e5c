/**
 * Demo scripts (docs/FEATURES.md, "Demo scripts"): open a bundled one, a file or the JSON as
 * edited; step through it; record one from what you do; save it as a file or a link.
 */
import { useEffect, useState } from 'react';
import { BUNDLED_DEMOS, describeDemoStep, serialiseDemoScript } from '../../core/demoScripts';
import { useDemoScript } from '../../state/demoScriptStore';
import {
  closeDemo,
  loadDemoScript,
  playDemoStep,
  playDemoTo,
  restartDemo,
  stopDemo,
} from '../../state/demoScriptActions';
import { applyDemoJson, demoLinkUrl, exportDemoFile, importDemoFile } from '../../state/demoScriptFileActions';
import { startRecording, stopRecording } from '../../state/demoRecorder';
import './demo.css';

function JsonEditor() {
  const script = useDemoScript((s) => s.script);
  const [text, setText] = useState('');
  const [errors, setErrors] = useState<string[]>([]);
  // A newly loaded or recorded script replaces what the box holds.
  useEffect(() => {
    setText(script ? serialiseDemoScript(script) : '');
    setErrors([]);
  }, [script]);
  const apply = () => {
    const applied = applyDemoJson(text);
    setErrors(applied.ok ? [] : applied.errors);
  };
  return (
    <details className="demo-panel__json">
      <summary>Edit as JSON</summary>
      <textarea
        value={text}
        rows={14}
        spellCheck={false}
        aria-label="The script as JSON"
        aria-invalid={errors.length > 0}
        onChange={(e) => setText(e.target.value)}
        data-testid="demo.json"
      />
      {errors.length > 0 && (
        <ul className="error" role="alert" data-testid="demo.json.errors">
          {errors.map((error, i) => (
            <li key={i}>{error}</li>
          ))}
        </ul>
      )}
      <button type="button" onClick={apply} disabled={!text.trim()} data-testid="demo.json.apply">
        Apply
      </button>
    </details>
  );
}

function ShareButtons() {
  const script = useDemoScript((s) => s.script);
  const [link, setLink] = useState<{ url?: string; error?: string } | null>(null);
  useEffect(() => setLink(null), [script]);
  if (!script) return null;
  const copyLink = () => {
    const made = demoLinkUrl(script);
    if (!made.ok) return setLink({ error: made.error });
    setLink({ url: made.url });
    // The clipboard can be refused (no focus, a locked-down page): the link stays shown to copy by hand.
    void navigator.clipboard?.writeText(made.url).catch(() => undefined);
  };
  return (
    <div className="demo-panel__row">
      <button type="button" onClick={() => exportDemoFile(script)} data-testid="demo.export">
        Export file
      </button>
      <button type="button" onClick={copyLink} data-testid="demo.link">
        Copy link
      </button>
      {link?.url && (
        <input
          readOnly
          value={link.url}
          aria-label="Demo link"
          data-testid="demo.link.url"
          onFocus={(e) => e.target.select()}
        />
      )}
      {link?.error && (
        <p className="error" role="alert">
          {link.error}
        </p>
      )}
    </div>
  );
}

export function DemoScriptPanel() {
  const { script, played, running, error, fingerprints, recording, source } = useDemoScript();
  const [bundledId, setBundledId] = useState(BUNDLED_DEMOS[0].id);
  const openBundled = () => {
    const demo = BUNDLED_DEMOS.find((d) => d.id === bundledId);
    if (demo) void loadDemoScript(demo.script, demo.id);
  };
  const total = script?.steps.length ?? 0;
  return (
    <section className="demo-panel" aria-label="Demo scripts" data-testid="demo.panel">
      <h2>Demo scripts</h2>
      <p className="hint">
        A script plays one step per key press (or Next step), the same tokens and probabilities on any machine.
      </p>
      <div className="demo-panel__row">
        <label>
          Bundled{' '}
          <select value={bundledId} onChange={(e) => setBundledId(e.target.value)} data-testid="demo.bundled">
            {BUNDLED_DEMOS.map((d) => (
              <option key={d.id} value={d.id}>
                {d.script.title}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={openBundled} disabled={running || recording} data-testid="demo.open">
          Open
        </button>
      </div>
      <div className="demo-panel__row">
        <label className="demo-panel__file">
          Import file{' '}
          <input
            type="file"
            accept=".json,application/json"
            disabled={running || recording}
            data-testid="demo.import"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void importDemoFile(file);
            }}
          />
        </label>
        <button
          type="button"
          aria-pressed={recording}
          disabled={running}
          onClick={() => (recording ? stopRecording() : startRecording())}
          data-testid="demo.record"
        >
          {recording ? 'Stop recording' : 'Record'}
        </button>
      </div>
      {recording && (
        <p className="hint" role="status" data-testid="demo.recording">
          Recording: type, change settings, append tokens, open views. Stop recording to get the script.
        </p>
      )}
      {error && (
        <p className="error" role="alert" data-testid="demo.error">
          {error}
        </p>
      )}
      {script && (
        <>
          <h3 data-testid="demo.title" data-source={source ?? ''}>
            {script.title}
          </h3>
          {script.description && <p className="hint">{script.description}</p>}
          <div className="demo-panel__row">
            <button
              type="button"
              onClick={() => playDemoStep(-1)}
              disabled={running || played === 0}
              data-testid="demo.prev"
            >
              ◂ Previous step
            </button>
            <button
              type="button"
              onClick={() => playDemoStep(1)}
              disabled={running || played === total}
              data-testid="demo.next"
            >
              Next step ▸
            </button>
            <button type="button" onClick={() => void restartDemo()} disabled={recording} data-testid="demo.restart">
              Restart
            </button>
            <button type="button" onClick={stopDemo} disabled={!running} data-testid="demo.stop">
              Stop
            </button>
            <button type="button" onClick={closeDemo} disabled={recording} data-testid="demo.close">
              Close
            </button>
          </div>
          <p
            className="hint"
            role="status"
            data-testid="demo.status"
            data-played={played}
            data-total={total}
            data-running={running}
            data-start-fingerprint={fingerprints[0] ?? ''}
          >
            {running ? 'Playing…' : played === 0 ? `At the start; ${total} steps.` : `Step ${played} of ${total}.`}
          </p>
          <ol className="demo-panel__steps" data-testid="demo.steps">
            {script.steps.map((step, i) => (
              <li
                key={i}
                aria-current={i === played - 1 ? 'step' : undefined}
                data-testid="demo.step"
                data-index={i}
                data-fingerprint={fingerprints[i + 1] ?? ''}
              >
                <button
                  type="button"
                  disabled={running || recording}
                  onClick={() => void playDemoTo(i + 1)}
                  title="Play up to this step"
                >
                  {describeDemoStep(step)}
                </button>
                {step.caption && <span className="demo-panel__caption">{step.caption}</span>}
              </li>
            ))}
          </ol>
          <ShareButtons />
        </>
      )}
      <JsonEditor />
    </section>
  );
}
