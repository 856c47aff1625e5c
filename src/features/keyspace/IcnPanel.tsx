/**
 * In-context navigation (docs/PAPERS.md section 1) on the loaded model: the paper's loop, plain
 * first-token ranking and temperature sampling, run one after the other in the worker with
 * progress and Stop, plotted as unique answers against probes.
 */
import { useState } from 'react';
import { DiversityCurve, type DiversitySeries } from '../../charts/DiversityCurve';
import type { IcnMethod, IcnProbe } from '../../core/keyspace/icn';
import { parseAnswerList } from '../../core/keyspace/answers';
import { engineClient } from '../../state/engineClient';
import { useWidth } from '../next-token/useWidth';
import { useWorkerTask } from '../common/useWorkerTask';
import { checkIcnForm, ICN_MAX_PROBES_PER_RUN, ICN_MAX_RUNS, type IcnFormValues } from './icnForm';

const METHODS: { method: IcnMethod; label: string }[] = [
  { method: 'icn', label: 'ICN' },
  { method: 'first-token', label: 'first-token ranking' },
  { method: 'temperature', label: 'temperature sampling' },
];

const EXAMPLE = {
  instruction: 'Name the countries of South America.',
  answers: 'Argentina, Bolivia, Brazil, Chile, Colombia, Ecuador, Guyana, Paraguay, Peru, Suriname, Uruguay, Venezuela',
};

/** A probe done, or a method finished, during a run of the three methods. */
interface IcnEvent {
  method: IcnMethod;
  done: number;
  total: number;
  probe?: IcnProbe;
  finished?: IcnProbe[];
}

/** What a run has shown so far: the probes per method and where it is. */
interface IcnRun {
  probes: Record<string, IcnProbe[]>;
  running: { method: IcnMethod; done: number; total: number };
}

function foldIcnEvent(previous: IcnRun | null, event: IcnEvent): IcnRun {
  const probes = { ...(previous?.probes ?? {}) };
  if (event.finished) probes[event.method] = event.finished;
  else if (event.probe) probes[event.method] = [...(probes[event.method] ?? []), event.probe];
  return { probes, running: { method: event.method, done: event.done, total: event.total } };
}

export function IcnPanel() {
  const [instruction, setInstruction] = useState('');
  const [answers, setAnswers] = useState('');
  const [runs, setRuns] = useState('10');
  const [tolerance, setTolerance] = useState('10');
  const [temperature, setTemperature] = useState('1');
  // The probes of the last run started: the curve's axis must not follow a field being edited.
  const [plottedTotal, setPlottedTotal] = useState(0);
  // One worker task for the three methods in turn; its folded progress is the curves so far,
  // kept when the run is stopped (src/state/workerTask.ts).
  const run = useWorkerTask<Record<string, IcnProbe[]>, IcnEvent, IcnRun>({ foldProgress: foldIcnEvent });
  const [ref, width] = useWidth<HTMLDivElement>(640);
  const judged = parseAnswerList(answers).length > 0;
  const form = checkIcnForm({ runs, tolerance, temperature });

  const start = (values: IcnFormValues) => {
    const total = values.runs * values.tolerance;
    setPlottedTotal(total);
    run.run(async (signal, onProgress) => {
      const all: Record<string, IcnProbe[]> = {};
      for (const { method } of METHODS) {
        onProgress({ method, done: 0, total });
        all[method] = await engineClient().call(
          'keyIcn',
          {
            method,
            instruction,
            runs: values.runs,
            tolerance: values.tolerance,
            temperature: values.temperature,
            seed: 0,
            acceptableText: answers,
          },
          {
            signal,
            onProgress: (p) => onProgress({ method, done: p.index + 1, total: p.totalProbes, probe: p.probe }),
          },
        );
        onProgress({ method, done: total, total, finished: all[method] });
      }
      return all;
    });
  };
  const probes = (run.status === 'ready' ? run.result : run.progress?.probes) ?? {};
  const running =
    run.status === 'working'
      ? (run.progress?.running ?? { method: METHODS[0].method, done: 0, total: plottedTotal })
      : null;
  const message =
    run.status === 'cancelled'
      ? 'Stopped; the curves show the probes done.'
      : run.status === 'error'
        ? run.error
        : null;

  const series: DiversitySeries[] = METHODS.filter((m) => probes[m.method]?.length).map((m) => ({
    id: m.method,
    label: m.label,
    unique: probes[m.method].map((p) => p.uniqueAnswers),
    uniqueCorrect: judged ? probes[m.method].map((p) => p.uniqueCorrect) : null,
  }));
  return (
    <section
      className="keyspace__icn"
      aria-label="In-context navigation"
      data-testid="keyspace.icn"
      data-status={running ? 'running' : series.length ? 'done' : 'idle'}
    >
      <h3>In-context navigation: more distinct answers by pushing the query away from explored keys</h3>
      <p className="hint">
        For a list-style instruction, the prompt is <code>{'{instruction}\\n\\nAnswer:\\n1. "…"\\n2. "'}</code>. ICN
        ranks first tokens under the prompt that lists the answers found so far, probes {tolerance} new first tokens per
        run for {runs} runs, and expands each greedily from the prompt without the list until a quote (at most 64
        tokens), as the paper’s code does. Baselines: first tokens always ranked under the empty list; whole answers
        sampled at the temperature (seed 0). Answers are unique after lower-casing and trimming quotes.
      </p>
      <div className="keyspace__icn-form">
        <label>
          Instruction{' '}
          <input
            value={instruction}
            data-testid="keyspace.icn.instruction"
            onChange={(e) => setInstruction(e.target.value)}
            placeholder={EXAMPLE.instruction}
          />
        </label>
        <label>
          Acceptable answers (optional){' '}
          <input
            value={answers}
            data-testid="keyspace.icn.answers"
            onChange={(e) => setAnswers(e.target.value)}
            placeholder="one per line or comma-separated"
          />
        </label>
        <button
          type="button"
          onClick={() => {
            setInstruction(EXAMPLE.instruction);
            setAnswers(EXAMPLE.answers);
          }}
        >
          Example
        </button>
      </div>
      <div className="keyspace__controls">
        <label>
          Runs{' '}
          <input
            type="number"
            min={1}
            max={ICN_MAX_RUNS}
            value={runs}
            data-testid="keyspace.icn.runs"
            onChange={(e) => setRuns(e.target.value)}
          />
        </label>
        <label>
          Probes per run{' '}
          <input
            type="number"
            min={1}
            max={ICN_MAX_PROBES_PER_RUN}
            value={tolerance}
            data-testid="keyspace.icn.tolerance"
            onChange={(e) => setTolerance(e.target.value)}
          />
        </label>
        <label>
          Temperature{' '}
          <input
            type="number"
            min={0.05}
            step={0.1}
            value={temperature}
            data-testid="keyspace.icn.temperature"
            onChange={(e) => setTemperature(e.target.value)}
          />
        </label>
        {running ? (
          <button type="button" data-testid="keyspace.icn.stop" onClick={run.cancel}>
            Stop
          </button>
        ) : (
          <button
            type="button"
            data-testid="keyspace.icn.run"
            disabled={instruction.trim() === '' || !form.values}
            onClick={() => {
              if (form.values) start(form.values);
            }}
          >
            Run the three methods{form.values ? ` (${3 * form.values.runs * form.values.tolerance} probes)` : ''}
          </button>
        )}
      </div>
      {form.problems.map((problem) => (
        <p key={problem} className="error" data-testid="keyspace.icn.problem">
          {problem}
        </p>
      ))}
      {running && (
        <p role="status" data-testid="keyspace.icn.progress">
          {METHODS.find((m) => m.method === running.method)!.label}: probe {running.done} of {running.total}{' '}
          <progress value={running.done} max={running.total} />
        </p>
      )}
      {message && (
        <p className="hint" role="status" data-testid="keyspace.icn.message">
          {message}
        </p>
      )}
      <div ref={ref}>
        {series.length > 0 && (
          <DiversityCurve series={series} totalProbes={plottedTotal} width={Math.max(320, width)} />
        )}
      </div>
      {series.length > 0 && (
        <details>
          <summary>Answers per probe</summary>
          <div className="keyspace__lists">
            {METHODS.filter((m) => probes[m.method]?.length).map((m) => (
              <div key={m.method} className="keyspace__list">
                <h4>{m.label}</h4>
                <ol>
                  {probes[m.method].map((p, i) => (
                    <li key={i} className={p.correct ? 'keyspace__answer--correct' : undefined}>
                      {JSON.stringify(p.answer)}
                      {p.finished ? '' : ' (cut at 64 tokens)'}
                    </li>
                  ))}
                </ol>
              </div>
            ))}
          </div>
        </details>
      )}
    </section>
  );
}
