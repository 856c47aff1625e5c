/**
 * The strip over the main view while a demo script is loaded: the current step's caption, large
 * (what the speaker says), where the script is, and the two step buttons.
 */
import { useDemoScript } from '../../state/demoScriptStore';
import { playDemoStep } from '../../state/demoScriptActions';
import './demo.css';

export function DemoStrip() {
  const script = useDemoScript((s) => s.script);
  const played = useDemoScript((s) => s.played);
  const running = useDemoScript((s) => s.running);
  const error = useDemoScript((s) => s.error);
  if (!script) return null;
  const total = script.steps.length;
  const caption = played === 0 ? script.description || script.title : (script.steps[played - 1].caption ?? '');
  return (
    <section
      className="demo-strip"
      aria-label="Demo script"
      data-testid="demo.strip"
      data-played={played}
      data-running={running}
    >
      <button
        type="button"
        onClick={() => playDemoStep(-1)}
        disabled={played === 0 || running}
        data-testid="demo.strip.prev"
        aria-label="Previous step"
      >
        ◂
      </button>
      <div className="demo-strip__body">
        <p className="demo-strip__where">
          {script.title} · {played === 0 ? 'start' : `step ${played} of ${total}`}
          {running ? ' · playing…' : ''}
        </p>
        <p className="demo-strip__caption" data-testid="demo.caption" aria-live="polite">
          {caption}
        </p>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </div>
      <button
        type="button"
        onClick={() => playDemoStep(1)}
        disabled={played === total || running}
        data-testid="demo.strip.next"
        aria-label="Next step"
      >
        ▸
      </button>
    </section>
  );
}
