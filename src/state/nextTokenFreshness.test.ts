/**
 * No figure on screen mixes two texts: the lab's selectors say which parts of the last
 * analysis and row still describe the text being edited, and a refused text clears them.
 */
import { describe, expect, it, vi } from 'vitest';
import { emptyTree } from '../core/lab/branchTree';
import type { AnalyzeResult, PositionMetrics } from '../protocol/nextToken';
import { EMPTY_LAB, useSession, type NextTokenLabState } from './sessionStore';

const engineCall = vi.hoisted(() => vi.fn());
vi.mock('./engineClient', () => ({ engineClient: () => ({ call: engineCall }) }));
const { analysisFreshness, currentRow, refreshAnalysis, refuseText } = await import('./nextTokenActions');
const isAnalysisCurrent = (lab: NextTokenLabState) => analysisFreshness(lab).current;
const analysisPrefixStillValid = (lab: NextTokenLabState) => analysisFreshness(lab).validPrefix;

const positions = (n: number) => Array.from({ length: n }, (_, i) => ({ tokenId: i }) as PositionMetrics);

function labWith(textIds: number[], analysedIds: number[], rowPosition: number): NextTokenLabState {
  return {
    ...EMPTY_LAB,
    tree: emptyTree(),
    textIds,
    analysedIds,
    analysis: { positions: positions(analysedIds.length) } as AnalyzeResult,
    row: { position: rowPosition, logits: new Float32Array(4), contextTokens: rowPosition + 1 },
  };
}

describe('the analysis on screen and the text being edited', () => {
  it('is current only for the same ids', () => {
    expect(isAnalysisCurrent(labWith([5, 6, 7], [5, 6, 7], 3))).toBe(true);
    expect(isAnalysisCurrent(labWith([5, 6, 7, 8], [5, 6, 7], 3))).toBe(false);
    expect(isAnalysisCurrent(labWith([5, 9, 7], [5, 6, 7], 3))).toBe(false);
    expect(isAnalysisCurrent({ ...EMPTY_LAB, analysis: null })).toBe(false);
  });

  it('keeps the metrics of the unchanged prefix', () => {
    expect(analysisPrefixStillValid(labWith([5, 6, 7, 8], [5, 6, 7], 3))).toBe(3);
    expect(analysisPrefixStillValid(labWith([5, 9, 7], [5, 6, 7], 3))).toBe(1);
    expect(analysisPrefixStillValid({ ...EMPTY_LAB, textIds: [1], analysedIds: [1], analysis: null })).toBe(0);
  });

  it('draws the old row only where the edit left its context and its actual token alone', () => {
    // The old "next token" row after 5 6 7 is not the distribution at the end of 5 6 7 8.
    expect(currentRow(labWith([5, 6, 7, 8], [5, 6, 7], 3))).toBeNull();
    // Position 1 (after 5, actual 6) is unchanged by appending 8.
    expect(currentRow(labWith([5, 6, 7, 8], [5, 6, 7], 1))?.position).toBe(1);
    // Position 1's actual token changed.
    expect(currentRow(labWith([5, 9, 7], [5, 6, 7], 1))).toBeNull();
    expect(currentRow(labWith([5, 6, 7], [5, 6, 7], 3))?.position).toBe(3);
  });

  it('clears the previous text from the lab when a text is refused', () => {
    useSession.setState({ nextToken: labWith([5, 6, 7], [5, 6, 7], 3) });
    refuseText();
    const lab = useSession.getState().nextToken;
    expect([lab.analysis, lab.row, lab.textIds, lab.analysedIds]).toEqual([null, null, [], []]);
  });

  it('keeps a refused text clear when the tokens of the previous text arrive just after the refusal', async () => {
    useSession.setState({
      nextToken: { ...EMPTY_LAB, tree: emptyTree() },
      model: { id: 'm' } as never,
      text: 'The previous text',
    });
    let answerTokenize: (value: unknown) => void = () => {};
    engineCall.mockImplementation((method: string) => {
      if (method === 'tokenize') return new Promise((resolve) => (answerTokenize = resolve));
      return new Promise(() => {});
    });
    const running = refreshAnalysis();
    await Promise.resolve();
    // The answer is already settled when the user's refused text comes in: only the continuation is pending.
    answerTokenize({ ids: [1, 2, 3, 4], tokens: [{}, {}, {}, {}] });
    refuseText();
    expect(await running).toBe(false);
    const lab = useSession.getState().nextToken;
    expect([lab.textIds, lab.textTokens, lab.status]).toEqual([[], [], 'idle']);
  });
});
