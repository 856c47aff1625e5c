import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { exampleExperiment } from '../core/experiments';
import { createDraftAutosave, flushOnPageHide, saveToExperiment } from './draftAutosave';
import { StaleRevisionError } from './errors';
import { toDraft } from './experimentsRepository';
import { createMemoryRepository } from './storageHealth';

/** A save function that records what it saved and can be made slow or failing. */
function recorder() {
  const saved: string[] = [];
  let release: (() => void) | null = null;
  const control = { slow: false, fail: false, saved, running: 0, maxRunning: 0 };
  const save = vi.fn(async (draft: string) => {
    control.running++;
    control.maxRunning = Math.max(control.maxRunning, control.running);
    try {
      if (control.slow) await new Promise<void>((resolve) => (release = resolve));
      if (control.fail) throw new Error('disk full');
      saved.push(draft);
    } finally {
      control.running--;
    }
  });
  return { control, save, release: () => release?.() };
}

describe('draft autosave', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('saves once, with the latest draft, after a burst of changes goes quiet', async () => {
    const { control, save } = recorder();
    const autosave = createDraftAutosave({ save, delayMs: 500 });
    for (const draft of ['T', 'Th', 'The']) {
      autosave.schedule(draft);
      await vi.advanceTimersByTimeAsync(200);
    }
    expect(save).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(500);
    expect(control.saved).toEqual(['The']);
    expect(autosave.pending).toBe(false);
  });

  it('saves at least every maxWaitMs while changes keep coming', async () => {
    const { control, save } = recorder();
    const autosave = createDraftAutosave({ save, delayMs: 500, maxWaitMs: 2_000 });
    for (let i = 0; i < 30; i++) {
      autosave.schedule(`draft ${i}`);
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(control.saved).toEqual(['draft 19']);
  });

  it('holds saves while paused and catches up on resume', async () => {
    const { control, save } = recorder();
    const autosave = createDraftAutosave({ save, delayMs: 100 });
    autosave.pause();
    autosave.schedule('restored state');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(save).not.toHaveBeenCalled();
    expect(autosave.pending).toBe(true);
    autosave.resume();
    await vi.advanceTimersByTimeAsync(100);
    expect(control.saved).toEqual(['restored state']);
  });

  it('flushes at once, even while paused, as pagehide needs', async () => {
    const { control, save } = recorder();
    const autosave = createDraftAutosave({ save, delayMs: 10_000 });
    autosave.pause();
    autosave.schedule('unsaved work');
    await autosave.flush();
    expect(control.saved).toEqual(['unsaved work']);
    await autosave.flush();
    expect(save).toHaveBeenCalledTimes(1);
  });

  it('never runs two saves at once; a change during a save is saved after it', async () => {
    const { control, save, release } = recorder();
    const autosave = createDraftAutosave({ save, delayMs: 100 });
    control.slow = true;
    autosave.schedule('first');
    await vi.advanceTimersByTimeAsync(100);
    autosave.schedule('second');
    await vi.advanceTimersByTimeAsync(100);
    expect(control.running).toBe(1);
    control.slow = false;
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(control.saved).toEqual(['first', 'second']);
    expect(control.maxRunning).toBe(1);
  });

  it('keeps a draft whose save failed, reports the error and retries on flush', async () => {
    const { control, save } = recorder();
    const onError = vi.fn();
    const autosave = createDraftAutosave({ save, delayMs: 100, onError });
    control.fail = true;
    autosave.schedule('precious');
    await vi.advanceTimersByTimeAsync(100);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'disk full' }));
    expect(autosave.pending).toBe(true);
    control.fail = false;
    await autosave.flush();
    expect(control.saved).toEqual(['precious']);
  });

  it('flushes on dispose and ignores changes afterwards', async () => {
    const { control, save } = recorder();
    const autosave = createDraftAutosave({ save, delayMs: 100 });
    autosave.schedule('last words');
    await autosave.dispose();
    autosave.schedule('too late');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(control.saved).toEqual(['last words']);
  });

  it('flushes on pagehide and on becoming hidden, until unsubscribed', async () => {
    const target = Object.assign(new EventTarget(), { document: { visibilityState: 'visible' } });
    const flush = vi.fn(async () => undefined);
    const stop = flushOnPageHide({ flush }, target);
    target.dispatchEvent(new Event('visibilitychange'));
    expect(flush).not.toHaveBeenCalled();
    target.document.visibilityState = 'hidden';
    target.dispatchEvent(new Event('visibilitychange'));
    target.dispatchEvent(new Event('pagehide'));
    expect(flush).toHaveBeenCalledTimes(2);
    stop();
    target.dispatchEvent(new Event('pagehide'));
    expect(flush).toHaveBeenCalledTimes(2);
  });
});

describe('autosaving into a stored experiment', () => {
  it('follows the revision from save to save, and stops at a change made elsewhere', async () => {
    const repository = createMemoryRepository({ appVersion: '1.0.0' });
    const stored = await repository.create(toDraft(exampleExperiment({ positions: 4 })));
    const save = saveToExperiment(repository, stored);
    await save({ notes: 'one' });
    await save({ notes: 'two' });
    expect((await repository.get(stored.experiment.id))!).toMatchObject({ revision: 3, experiment: { notes: 'two' } });

    await repository.rename(stored.experiment.id, 3, 'Renamed in another tab');
    await expect(save({ notes: 'three' })).rejects.toThrow(StaleRevisionError);
    expect((await repository.get(stored.experiment.id))!.experiment.notes).toBe('two');
  });
});
