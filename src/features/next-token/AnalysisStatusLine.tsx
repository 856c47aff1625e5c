/** The analysis status line: scoring progress with Cancel, the error, the summary of the scored text, or Score. */
import { meanSurprisalBits } from '../../core/lab/positionMetrics';
import type { AnalyzeResult } from '../../protocol/nextToken';
import { cancelAnalysis, refreshAnalysis } from '../../state/nextTokenActions';
import type { NextTokenLabState } from '../../state/sessionStore';

export function AnalysisStatusLine({
  lab,
  shown,
  hasModel,
  tooLong,
  precomputedFor,
}: {
  lab: NextTokenLabState;
  /** The analysis when it is of the text on screen, else null. */
  shown: AnalyzeResult | null;
  hasModel: boolean;
  tooLong: string | null;
  /** The model the shown analysis was precomputed with, while the precomputed first view stands in for the live one. */
  precomputedFor?: string;
}) {
  const meanBits = shown ? meanSurprisalBits(shown.positions) : null;
  return (
    <div
      className="next-token__status"
      data-testid="analysis.status"
      data-status={precomputedFor !== undefined ? 'precomputed' : lab.status}
    >
      {precomputedFor !== undefined && shown ? (
        <>
          {shown.positions.length.toLocaleString('en-US')} tokens scored after the start token
          {meanBits !== null ? ` · mean surprisal ${meanBits.toFixed(2)} bits` : ''} ·{' '}
          <span className="precomputed-tag" data-testid="analysis.precomputed">
            precomputed with {precomputedFor}, shipped with the app
          </span>{' '}
          · the model is loading, and its own analysis will replace this
        </>
      ) : lab.status === 'running' && lab.progress && lab.progress.totalWindows > 1 ? (
        <>
          Scoring window {lab.progress.doneWindows} of {lab.progress.totalWindows}…{' '}
          <button type="button" data-testid="analysis.cancel" onClick={cancelAnalysis}>
            Cancel
          </button>
        </>
      ) : lab.status === 'error' ? (
        <span className="error" role="alert">
          {lab.error}
        </span>
      ) : shown && hasModel ? (
        <>
          {shown.positions.length.toLocaleString('en-US')} tokens scored after the start token
          {meanBits !== null ? ` · mean surprisal ${meanBits.toFixed(2)} bits` : ''} · model run on{' '}
          {shown.computedTokens.toLocaleString('en-US')} {shown.computedTokens === 1 ? 'token' : 'tokens'}
          {shown.reusedPositions > 0
            ? ` (${shown.reusedPositions.toLocaleString('en-US')} positions kept from before the edit)`
            : ''}{' '}
          · {shown.elapsedMs.toFixed(0)} ms
          {shown.windowCount > 1 && (
            <span data-testid="analysis.windowed">
              {' '}
              · longer than the model’s {shown.windowTokens}-token context: scored through {shown.windowCount}{' '}
              overlapping windows, each token sees at least {Math.ceil(shown.windowTokens / 2)} tokens before it
            </span>
          )}
        </>
      ) : lab.status === 'running' ? (
        'Scoring…'
      ) : hasModel && !tooLong && lab.status === 'idle' && lab.textIds.length > 0 ? (
        <>
          Not scored.{' '}
          <button type="button" data-testid="analysis.score" onClick={() => void refreshAnalysis()}>
            Score
          </button>
        </>
      ) : hasModel ? (
        ''
      ) : (
        'Waiting for the model…'
      )}
    </div>
  );
}
