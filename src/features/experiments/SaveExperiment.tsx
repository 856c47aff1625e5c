/** Save the lab as an experiment, or copy a link that reproduces its inputs elsewhere. */
import { useState } from 'react';
import { useExperiments } from '../../state/experimentsStore';
import { saveCurrentExperiment } from '../../state/experimentSaveActions';
import { exportExperiments } from '../../state/experimentFileActions';
import { currentShareLink } from '../../state/shareLinkActions';
import { PendingLinkNotice } from './PendingLinkNotice';

export function SaveExperiment() {
  const [name, setName] = useState('');
  const [link, setLink] = useState<string | null>(null);
  const notice = useExperiments((s) => s.notice);
  const memoryOnlyReason = useExperiments((s) => s.memoryOnlyReason);
  return (
    <fieldset className="save-experiment" data-testid="experiment.save">
      <legend>Experiment</legend>
      <PendingLinkNotice />
      {/* A form, so Enter in the name box saves, as the Save button does. */}
      <form
        className="save-experiment__form"
        onSubmit={(e) => {
          e.preventDefault();
          void saveCurrentExperiment(name);
        }}
      >
        <input
          placeholder="Name"
          value={name}
          data-testid="experiment.save.name"
          aria-label="Experiment name"
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" data-testid="experiment.save.button">
          Save
        </button>
      </form>
      <button
        type="button"
        data-testid="experiment.share"
        onClick={() => {
          const made = currentShareLink();
          setLink(made.ok ? made.url : made.error);
          if (made.ok) void navigator.clipboard?.writeText(made.url).catch(() => undefined);
        }}
      >
        Share link
      </button>
      {link && (
        <input
          className="save-experiment__link"
          readOnly
          value={link}
          data-testid="experiment.share.link"
          aria-label="Share link"
          onFocus={(e) => e.target.select()}
        />
      )}
      {notice && (
        <small className={notice.kind === 'error' ? 'error' : 'hint'} role="status" data-testid="experiment.notice">
          {notice.text}
        </small>
      )}
      {memoryOnlyReason && (
        <small className="error" role="alert">
          {memoryOnlyReason} Export your experiments before closing the tab.{' '}
          <button type="button" data-testid="experiment.export-now" onClick={() => void exportExperiments()}>
            Export now
          </button>
        </small>
      )}
    </fieldset>
  );
}
