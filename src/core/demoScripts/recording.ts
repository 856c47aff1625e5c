/**
 * Recording: what the user does, turned into steps. Consecutive changes of the same kind are
 * one step (typing a text is one setText, dragging the temperature slider one setSettings), so
 * a recording reads like a script someone wrote.
 */
import type { DemoSettings, DemoStep, DemoView } from './schema';

export type RecordedAction =
  | { kind: 'text'; text: string }
  | { kind: 'settings'; settings: DemoSettings }
  | { kind: 'append'; tokenId: number; text: string }
  | { kind: 'backToText' }
  | { kind: 'select'; position: number | null }
  | { kind: 'view'; view: DemoView }
  | { kind: 'keySpace'; tokenId: number; text: string }
  | { kind: 'biasPrompt'; prompt: string };

function stepOf(action: RecordedAction): DemoStep {
  switch (action.kind) {
    case 'text':
      return { kind: 'setText', text: action.text };
    case 'settings':
      return { kind: 'setSettings', settings: { ...action.settings } };
    case 'append':
      return { kind: 'appendToken', tokenId: action.tokenId, text: action.text };
    case 'backToText':
      return { kind: 'backToText' };
    case 'select':
      return { kind: 'selectPosition', position: action.position };
    case 'view':
      return { kind: 'openView', view: action.view };
    case 'keySpace':
      return { kind: 'openKeySpace', tokenId: action.tokenId, text: action.text };
    case 'biasPrompt':
      return { kind: 'setBiasPrompt', prompt: action.prompt };
  }
}

/** The steps with one more action: merged into the last step when it continues it, dropped when it changes nothing. */
export function recordAction(steps: readonly DemoStep[], action: RecordedAction): DemoStep[] {
  const last = steps.at(-1);
  const step = stepOf(action);
  const replaceLast = () => [...steps.slice(0, -1), step];
  if (last?.kind === 'setSettings' && step.kind === 'setSettings')
    return [...steps.slice(0, -1), { ...last, settings: { ...last.settings, ...step.settings } }];
  if (
    last &&
    last.kind === step.kind &&
    (step.kind === 'setText' || step.kind === 'selectPosition' || step.kind === 'setBiasPrompt')
  )
    return replaceLast();
  if (step.kind === 'openView') {
    // Opening key space or the bias lens already shows their view; the same view twice is once.
    const shownBy =
      last?.kind === 'openKeySpace'
        ? 'keyspace'
        : last?.kind === 'setBiasPrompt'
          ? 'tokenizers'
          : last?.kind === 'openView'
            ? last.view
            : null;
    if (shownBy === step.view) return [...steps];
    if (last?.kind === 'openView') return replaceLast();
  }
  return [...steps, step];
}

/** The settings that differ between two snapshots (only the keys a script can set). */
export function changedSettings<T extends DemoSettings>(
  before: T,
  after: T,
  keys: readonly (keyof DemoSettings)[],
): DemoSettings {
  const changed: DemoSettings = {};
  for (const key of keys) if (before[key] !== after[key]) Object.assign(changed, { [key]: after[key] });
  return changed;
}
