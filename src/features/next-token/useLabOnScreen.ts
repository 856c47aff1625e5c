/** The lab the view draws: the session's, or the precomputed first view while it stands in for it (state/nextTokenFirstView.ts). */
import { useFirstView } from '../../state/nextTokenFirstView';
import { useSession } from '../../state/sessionStore';

export function useLabOnScreen() {
  const firstView = useFirstView((s) => s.shown);
  // While the precomputed view is shown these select the same objects: the session's changes underneath redraw nothing.
  const lab = useSession((s) => firstView?.lab ?? s.nextToken);
  const vocabulary = useSession((s) => firstView?.vocabulary ?? s.vocabulary);
  const modelLabel = useSession((s) => firstView?.modelLabel ?? s.model?.label);
  return { lab, vocabulary, modelLabel, precomputed: firstView !== null };
}
