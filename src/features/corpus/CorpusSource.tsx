/**
 * Which corpus the ∞-gram counts: the embedded model's training split (shipped as token ids,
 * indexed in the worker on first use) or texts and files the user adds (tokenized with the
 * loaded model's tokenizer; they never leave the browser). Progress and Cancel while it is
 * built; afterwards, what was built and whether it is kept.
 */
import { useEffect, useMemo, useState } from 'react';
import { formatBytes } from '../../core/formatBytes';
import { bytesProblem, LIMITS, limitSentence } from '../../core/limits';
import { messageOf } from '../../core/messageOf';
import { utf8Length } from '../../core/tokenizers/words';
import type { CorpusIndexInfo, CorpusProgress, CorpusSourceParams } from '../../protocol/corpus';
import type { ModelInfo } from '../../protocol/model';
import { engineClient } from '../../state/engineClient';
import { useWorkerTask } from '../common/useWorkerTask';
import type { TrainingSplit } from './useTrainingSplit';

const PHASES: Record<CorpusProgress['phase'], string> = {
  fetching: 'Fetching the token ids',
  tokenizing: 'Tokenizing your texts',
  building: 'Building the suffix array',
  reading: 'Reading the stored index',
  storing: 'Keeping the index in this browser',
};

export interface CorpusSourceProps {
  model: ModelInfo;
  /** The embedded model's training split, or null (none for this model). */
  split: TrainingSplit | null;
  onOpened: (info: CorpusIndexInfo | null) => void;
}

export function CorpusSource({ model, split, onOpened }: CorpusSourceProps) {
  const [kind, setKind] = useState<'training-split' | 'texts'>('training-split');
  const [texts, setTexts] = useState<{ name: string; text: string }[]>([]);
  const [pasted, setPasted] = useState('');
  const [fileError, setFileError] = useState<string | null>(null);
  const task = useWorkerTask<CorpusIndexInfo, CorpusProgress>();
  const useSplit = kind === 'training-split' && split !== null;

  const open = (source: CorpusSourceParams) => {
    onOpened(null);
    task.run(async (signal, onProgress) => {
      const info = await engineClient().call('corpusOpen', source, { signal, onProgress });
      onOpened(info);
      return info;
    });
  };
  // The training split opens by itself: from storage it takes a moment, built once it takes seconds.
  useEffect(() => {
    task.reset();
    onOpened(null);
    if (split && kind === 'training-split')
      open({ kind: 'training-split', url: split.url, entry: split.entry, label: `${model.label}'s training split` });
  }, [split, kind]);

  const allTexts = useMemo(
    () => (pasted.trim() ? [...texts, { name: 'pasted text', text: pasted }] : texts),
    [texts, pasted],
  );
  // Up to 20 MB of text: measured when the texts change, not on every render.
  const tooLarge = useMemo(
    () =>
      bytesProblem(
        LIMITS.corpusTexts,
        allTexts.reduce((sum, t) => sum + utf8Length(t.text), 0),
        'The total of these texts',
      ),
    [allTexts],
  );
  const addFiles = async (files: FileList | null) => {
    if (!files) return;
    setFileError(null);
    // Refused by size before anything is read: a huge file never reaches memory.
    const oversize = bytesProblem(
      LIMITS.corpusTexts,
      [...files].reduce((sum, f) => sum + f.size, 0),
      'The total of these files',
    );
    if (oversize) return setFileError(oversize);
    try {
      const read = await Promise.all([...files].map(async (file) => ({ name: file.name, text: await file.text() })));
      setTexts((current) => [...current, ...read]);
    } catch (error) {
      setFileError(`The files could not be read: ${messageOf(error)}`);
    }
  };
  const info = task.result;

  return (
    <div className="corpus__source" data-testid="corpus.source">
      <fieldset>
        <legend>Corpus</legend>
        <label>
          <input
            type="radio"
            name="corpus-kind"
            checked={useSplit}
            disabled={split === null}
            data-testid="corpus.kind.training"
            onChange={() => setKind('training-split')}
          />{' '}
          Training split of {model.label}
          {split
            ? ` (${split.entry.documents.length} addresses, ${split.entry.tokens.toLocaleString('en-US')} tokens)`
            : ' (embedded models only)'}
        </label>
        <label>
          <input
            type="radio"
            name="corpus-kind"
            checked={!useSplit}
            data-testid="corpus.kind.texts"
            onChange={() => setKind('texts')}
          />{' '}
          Your texts and files, tokenized with {model.label}'s tokenizer ({limitSentence(LIMITS.corpusTexts)}; they stay
          in this browser)
        </label>
      </fieldset>
      {!useSplit && (
        <div
          className="corpus__texts"
          data-testid="corpus.texts"
          onDragOver={(e) => e.preventDefault()}
          onDrop={(e) => {
            e.preventDefault();
            void addFiles(e.dataTransfer.files);
          }}
        >
          <label>
            Files (.txt, .md, …; or drop them here){' '}
            <input
              type="file"
              multiple
              accept="text/*,.txt,.md,.csv,.json,.jsonl"
              data-testid="corpus.files"
              onChange={(e) => void addFiles(e.target.files)}
            />
          </label>
          {texts.length > 0 && (
            <ul className="corpus__file-list" data-testid="corpus.file-list">
              {texts.map((t, i) => (
                <li key={`${t.name}-${i}`}>
                  {t.name} ({formatBytes(utf8Length(t.text))}){' '}
                  <button
                    type="button"
                    aria-label={`Remove ${t.name}`}
                    onClick={() => setTexts((all) => all.filter((_, k) => k !== i))}
                  >
                    ×
                  </button>
                </li>
              ))}
            </ul>
          )}
          <label htmlFor="corpus-paste">Or paste a text</label>
          <textarea
            id="corpus-paste"
            rows={3}
            value={pasted}
            data-testid="corpus.paste"
            onChange={(e) => setPasted(e.target.value)}
          />
          {(fileError ?? tooLarge) && (
            <p className="notice notice--error" role="alert" data-testid="corpus.texts.error">
              {fileError ?? tooLarge}
            </p>
          )}
          <button
            type="button"
            data-testid="corpus.build"
            disabled={allTexts.length === 0 || tooLarge !== null || task.status === 'working'}
            onClick={() =>
              open({
                kind: 'texts',
                texts: allTexts,
                label: allTexts.length === 1 ? allTexts[0].name : `${allTexts.length} texts`,
              })
            }
          >
            Index {allTexts.length === 1 ? 'this text' : `these ${allTexts.length} texts`}
          </button>
        </div>
      )}
      {task.status === 'working' && (
        <p className="bigram__progress" role="status" data-testid="corpus.progress">
          {task.progress
            ? `${PHASES[task.progress.phase]}… ${Math.round(task.progress.fraction * 100)}%`
            : 'Opening the corpus…'}
          {task.progress && <progress max={1} value={task.progress.fraction} />}
          <button type="button" onClick={task.cancel} data-testid="corpus.cancel">
            Cancel
          </button>
        </p>
      )}
      {task.status === 'cancelled' && (
        <p className="bigram__note" data-testid="corpus.cancelled">
          Cancelled: no corpus is open.
        </p>
      )}
      {task.status === 'error' && (
        <p className="notice notice--error" role="alert" data-testid="corpus.error">
          {task.error}
        </p>
      )}
      {info && task.status === 'ready' && (
        <p
          className="bigram__note"
          data-testid="corpus.info"
          data-tokens={info.tokenCount}
          data-from-store={info.fromStore}
        >
          {info.label}: {info.documentCount.toLocaleString('en-US')}{' '}
          {info.documentCount === 1 ? 'document' : 'documents'}, {info.tokenCount.toLocaleString('en-US')} tokens ·{' '}
          {info.fromStore
            ? `read from this browser’s storage in ${info.elapsedMs.toFixed(0)} ms`
            : `suffix array built in ${(info.elapsedMs / 1000).toFixed(2)} s`}
          {info.storedBytes !== null && !info.fromStore
            ? ` · kept in this browser (${formatBytes(info.storedBytes)})`
            : ''}
          {info.storageProblem && <span className="error"> {info.storageProblem}</span>}
        </p>
      )}
    </div>
  );
}
