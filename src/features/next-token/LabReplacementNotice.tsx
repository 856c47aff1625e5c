/** The notice after a demo script, an experiment or a share link replaced the lab: put the other text back, or dismiss. */
import { dismissLabReplacement, swapReplacedLab, useLabReplacement } from '../../state/labReplacement';

export function LabReplacementNotice() {
  const replacement = useLabReplacement((s) => s.replacement);
  if (!replacement) return null;
  const { by, putBack } = replacement;
  return (
    <p className="notice lab-replacement" role="status" data-testid="lab.replaced">
      {putBack ? `Your text is back (${by} had replaced it). ` : `Your text was replaced by ${by}. `}
      <button
        type="button"
        data-testid="lab.replaced.swap"
        aria-label={putBack ? `Undo: show the text from ${by} again` : undefined}
        onClick={() => void swapReplacedLab()}
      >
        {putBack ? 'Undo' : 'Put back your text'}
      </button>{' '}
      <button type="button" data-testid="lab.replaced.dismiss" onClick={dismissLabReplacement}>
        Dismiss
      </button>
    </p>
  );
}
