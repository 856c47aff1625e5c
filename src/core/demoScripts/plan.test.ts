import { describe, expect, it } from 'vitest';
import { planDemoMove, planDemoStep } from './plan';

describe('planning moves through a script', () => {
  it('plays only the next step going forward', () => {
    expect(planDemoStep(0, 1, 3)).toEqual({ restart: false, steps: [0], played: 1 });
    expect(planDemoStep(2, 1, 3)).toEqual({ restart: false, steps: [2], played: 3 });
  });

  it('replays from the start going back', () => {
    expect(planDemoStep(3, -1, 3)).toEqual({ restart: true, steps: [0, 1], played: 2 });
    expect(planDemoStep(1, -1, 3)).toEqual({ restart: true, steps: [], played: 0 });
  });

  it('has nowhere to go past either end', () => {
    expect(planDemoStep(3, 1, 3)).toBeNull();
    expect(planDemoStep(0, -1, 3)).toBeNull();
    expect(planDemoMove(1, 1, 3)).toBeNull();
  });

  it('jumps forward over several steps, and back by a restart', () => {
    expect(planDemoMove(1, 4, 5)).toEqual({ restart: false, steps: [1, 2, 3], played: 4 });
    expect(planDemoMove(4, 2, 5)).toEqual({ restart: true, steps: [0, 1], played: 2 });
  });
});
