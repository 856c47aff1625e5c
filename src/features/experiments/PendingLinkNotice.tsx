/** A share link that did not open by itself: which host or folder it needs, and what to do. */
import { dismissPendingLink, loadPendingLink, useShareLink } from '../../state/shareLinkActions';

export function PendingLinkNotice() {
  const pending = useShareLink((s) => s.pending);
  if (!pending) return null;
  const modelId = pending.inputs.model.id;
  return (
    // Inside the Experiment box: no page margins, and long host URLs wrap instead of overflowing.
    <div
      className="notice"
      style={{ margin: 0, overflowWrap: 'anywhere' }}
      role="alert"
      data-testid="experiment.link.pending"
      data-kind={pending.kind}
    >
      {pending.kind === 'folder' ? (
        <>
          This shared analysis was made with the model folder “{pending.folderName}”, which a link cannot carry. Open
          that folder in Models by hand: the link’s text and settings follow once it has loaded.
        </>
      ) : (
        <>
          This shared analysis loads {modelId} from the Hub host {pending.host}
          {pending.host !== pending.yourHost && <>, not from your Hub host ({pending.yourHost})</>}.{' '}
          {pending.refusal ?? (
            <button type="button" data-testid="experiment.link.load" onClick={() => void loadPendingLink()}>
              Load from {new URL(pending.host).host}
            </button>
          )}
        </>
      )}{' '}
      <button type="button" data-testid="experiment.link.dismiss" onClick={dismissPendingLink}>
        Dismiss
      </button>
    </div>
  );
}
