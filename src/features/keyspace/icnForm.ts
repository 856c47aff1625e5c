/**
 * The ICN panel's numbers, checked: runs and probes per run from 1 to 50 and a temperature
 * above 0. A value out of range gets a sentence and no run, never a silent default.
 */
import { checkWholeNumber } from '../../core/fields';

export const ICN_MAX_RUNS = 50;
export const ICN_MAX_PROBES_PER_RUN = 50;

export interface IcnFormText {
  runs: string;
  tolerance: string;
  temperature: string;
}

export interface IcnFormValues {
  runs: number;
  /** Probes per run. */
  tolerance: number;
  temperature: number;
}

/** The values to run with, or null with one sentence per invalid field. */
export function checkIcnForm(text: IcnFormText): { values: IcnFormValues | null; problems: string[] } {
  const runs = checkWholeNumber(text.runs, 'Runs', 1, ICN_MAX_RUNS);
  const tolerance = checkWholeNumber(text.tolerance, 'Probes per run', 1, ICN_MAX_PROBES_PER_RUN);
  const temperature = Number(text.temperature);
  const temperatureValid = text.temperature.trim() !== '' && Number.isFinite(temperature) && temperature > 0;
  const problems = [
    ...(runs.ok ? [] : [runs.problem]),
    ...(tolerance.ok ? [] : [tolerance.problem]),
    ...(temperatureValid ? [] : ['The temperature must be a number above 0.']),
  ];
  if (!runs.ok || !tolerance.ok || !temperatureValid) return { values: null, problems };
  return { values: { runs: runs.value, tolerance: tolerance.value, temperature }, problems };
}
