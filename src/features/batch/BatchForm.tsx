/**
 * Define a batch: the bundled sets as one-click starts, or prompts pasted or loaded from a
 * file (.jsonl, .csv, .txt) × models × a sampling grid × samples per cell. Every problem is one
 * sentence (prompt problems by line); Run is offered once the definition is valid.
 */
import { useId, useMemo, useState } from 'react';
import type { BatchDefinition } from '../../core/batch/definition';
import { bundledBatch } from '../../core/batch/examples';
import { DEFAULT_FORM, formDefinition, type BatchFormValues, type ModelOption } from './batchForm';
import { messageOf } from '../../core/messageOf';

export interface BatchFormProps {
  options: readonly ModelOption[];
  optionsError: string | null;
  /** A batch is running: starting another waits. */
  busy: boolean;
  onStart: (definition: BatchDefinition) => void;
  onScore: () => void;
  scoringBusy: boolean;
}

const GRID_FIELDS: [keyof BatchFormValues, string, string][] = [
  ['temperatures', 'Temperatures', 'comma-separated, each > 0'],
  ['topK', 'Top-k', '0 = off'],
  ['topP', 'Top-p', '1 = off'],
  ['minP', 'Min-p', '0 = off'],
  ['maxNewTokens', 'Max new tokens', 'per sample'],
  ['seed', 'Seed', 'integer; every sample’s seed derives from it'],
  ['samplesPerCell', 'Samples per cell', 'per prompt and cell'],
];

export function BatchForm({ options, optionsError, busy, onStart, onScore, scoringBusy }: BatchFormProps) {
  const id = useId();
  const [values, setValues] = useState<BatchFormValues>(DEFAULT_FORM);
  const [fileError, setFileError] = useState<string | null>(null);
  const tom = useMemo(() => bundledBatch('tom'), []);
  const models = useMemo(
    () => (values.models.length > 0 || options.length === 0 ? values.models : [options[0].key]),
    [values.models, options],
  );
  const form = useMemo(() => formDefinition({ ...values, models }, options), [values, models, options]);
  const change = (patch: Partial<BatchFormValues>) => setValues((v) => ({ ...v, ...patch }));
  const loadFile = async (file: File | undefined) => {
    setFileError(null);
    if (!file) return;
    try {
      change({ prompts: await file.text(), promptsFile: file.name });
    } catch (error) {
      setFileError(`Could not read ${file.name}: ${messageOf(error)}`);
    }
  };
  const tomTasks = tom.prompts.length * tom.grid.temperature.length * tom.samplesPerCell;
  return (
    <section className="batch-form" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>New batch</h3>
      <div className="batch-form__bundled">
        <button type="button" data-testid="batch.bundled.tom" disabled={busy} onClick={() => onStart(tom)}>
          Run the false-belief (ToM) set
        </button>
        <span className="hint">
          {tom.prompts.length} stories on {tom.models.map((m) => m.id).join(', ')} at temperatures{' '}
          {tom.grid.temperature.join(', ')}, {tom.samplesPerCell} samples each ({tomTasks} samples)
        </span>
        <button type="button" data-testid="batch.bundled.scoring" disabled={scoringBusy} onClick={onScore}>
          Score the GLTR example texts
        </button>
        <span className="hint">rank buckets and mean surprisal of six texts on the loaded model</span>
      </div>
      <details className="batch-form__details">
        <summary data-testid="batch.define">Define a batch: your prompts, models and a sampling grid</summary>
        <form
          className="batch-form__custom"
          onSubmit={(event) => {
            event.preventDefault();
            if (form.definition && !busy) onStart(form.definition);
          }}
        >
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} value={values.name} onChange={(e) => change({ name: e.target.value })} />
          <label htmlFor={`${id}-prompts`}>
            Prompts{' '}
            <span className="hint">
              (one per line, JSONL with "id", "prompt", "expected", "match", or CSV with a header row)
            </span>
          </label>
          <textarea
            id={`${id}-prompts`}
            data-testid="batch.prompts"
            rows={5}
            value={values.prompts}
            onChange={(e) => change({ prompts: e.target.value, promptsFile: null })}
          />
          <label htmlFor={`${id}-file`}>
            …or load a file <span className="hint">(.jsonl, .csv, .txt)</span>
          </label>
          <input
            id={`${id}-file`}
            type="file"
            accept=".jsonl,.ndjson,.csv,.txt,text/plain,text/csv"
            data-testid="batch.prompts.file"
            onChange={(e) => void loadFile(e.target.files?.[0])}
          />
          {values.promptsFile && <p className="hint">Loaded {values.promptsFile}.</p>}
          {fileError && (
            <p className="error" role="alert">
              {fileError}
            </p>
          )}
          <fieldset>
            <legend>Models</legend>
            {optionsError && <p className="error">{optionsError}</p>}
            {options.map((o) => (
              <label key={o.key} className="batch-form__check">
                <input
                  type="checkbox"
                  checked={models.includes(o.key)}
                  onChange={(e) =>
                    change({ models: e.target.checked ? [...models, o.key] : models.filter((k) => k !== o.key) })
                  }
                />
                {o.label}
              </label>
            ))}
          </fieldset>
          <fieldset className="batch-form__grid">
            <legend>Sampling grid</legend>
            {GRID_FIELDS.map(([field, label, hint]) => (
              <label key={field}>
                {label} <span className="hint">({hint})</span>
                <input value={values[field] as string} onChange={(e) => change({ [field]: e.target.value })} />
              </label>
            ))}
            <label>
              Stop strings <span className="hint">(one per line; \n for a line break)</span>
              <textarea rows={2} value={values.stop} onChange={(e) => change({ stop: e.target.value })} />
            </label>
          </fieldset>
          {form.errors.length > 0 && values.prompts.trim() !== '' && (
            <ul className="batch-form__errors error" data-testid="batch.form.errors" aria-live="polite">
              {form.errors.map((error) => (
                <li key={error}>{error}</li>
              ))}
            </ul>
          )}
          <p className="batch-form__run">
            <button type="submit" data-testid="batch.run" disabled={busy || !form.definition}>
              Run
            </button>
            {form.definition && <span className="hint">{form.tasks.toLocaleString('en-US')} samples</span>}
          </p>
        </form>
      </details>
    </section>
  );
}
