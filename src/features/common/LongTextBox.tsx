/**
 * A text box that stays cheap with long texts. A textarea lays out its whole text again on
 * every change of its width (a side panel opening: about 50 ms for 200 kB on a 2-core machine,
 * over 100 ms for 1 MB) and a 1 MB paste holds a frame for half a second. Texts over
 * TEXT_BOX_MAX_BYTES are therefore held outside the box: a card says how long the text is and
 * shows its start, pasting into it replaces the text, and the user can still choose to edit
 * it in the box. A paste into the box that would make the text that long never reaches the
 * textarea either.
 */
import { startTransition, useMemo, useState, type ClipboardEvent, type KeyboardEvent } from 'react';
import { formatBytes } from '../../core/formatBytes';
import { formatCount } from '../../core/formatCount';
import { TEXT_BOX_MAX_BYTES } from '../../core/limits';
import { utf8Length } from '../../core/tokenizers/words';

export interface LongTextBoxProps {
  id: string;
  testId: string;
  value: string;
  /** The value's UTF-8 bytes where the view has counted them already (a long text is counted once). */
  valueBytes?: number;
  onChange: (value: string) => void;
  rows: number;
  className?: string;
  onKeyDown?: (event: KeyboardEvent<HTMLTextAreaElement>) => void;
}

/** Whether a text is over TEXT_BOX_MAX_BYTES (its UTF-8 bytes are at least its length and at most three times it). */
function isLong(text: string): boolean {
  if (text.length * 3 <= TEXT_BOX_MAX_BYTES) return false;
  return text.length > TEXT_BOX_MAX_BYTES || utf8Length(text) > TEXT_BOX_MAX_BYTES;
}

/** How much of a long text the card shows. */
const START_SHOWN_CHARS = 400;

export function LongTextBox({ id, testId, value, valueBytes, onChange, rows, className, onKeyDown }: LongTextBoxProps) {
  const [editInBox, setEditInBox] = useState(false);
  const counted = useMemo(() => (valueBytes === undefined ? utf8Length(value) : 0), [value, valueBytes]);
  const bytes = valueBytes ?? counted;
  // The choice to edit in the box holds for one long text: once the text is short, it is forgotten.
  if (editInBox && bytes <= TEXT_BOX_MAX_BYTES) setEditInBox(false);
  // A transition: React may split the render of a view around a long text into short tasks
  // (a view that keeps its text in React state; an external store renders at once).
  const replace = (text: string) =>
    startTransition(() => {
      setEditInBox(false);
      onChange(text);
    });

  const onPasteIntoBox = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    const box = event.currentTarget;
    const pasted = event.clipboardData.getData('text/plain');
    const next = box.value.slice(0, box.selectionStart) + pasted + box.value.slice(box.selectionEnd);
    // Editing a long text in the box (the user's choice), only a long paste leaves it.
    if (!isLong(editInBox ? pasted : next)) return; // the browser pastes as usual
    event.preventDefault();
    replace(next);
  };

  if (bytes <= TEXT_BOX_MAX_BYTES || editInBox) {
    return (
      <textarea
        id={id}
        data-testid={testId}
        className={className}
        rows={rows}
        spellCheck={false}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onPaste={onPasteIntoBox}
        onKeyDown={onKeyDown}
      />
    );
  }
  return (
    <LongTextCard
      id={id}
      testId={testId}
      value={value}
      bytes={bytes}
      onReplace={replace}
      onEditInBox={() => setEditInBox(true)}
    />
  );
}

function LongTextCard({
  id,
  testId,
  value,
  bytes,
  onReplace,
  onEditInBox,
}: {
  id: string;
  testId: string;
  value: string;
  bytes: number;
  onReplace: (text: string) => void;
  onEditInBox: () => void;
}) {
  const lines = useMemo(() => {
    let count = 1;
    for (let i = value.indexOf('\n'); i !== -1; i = value.indexOf('\n', i + 1)) count++;
    return count;
  }, [value]);
  const onPaste = (event: ClipboardEvent<HTMLDivElement>) => {
    event.preventDefault();
    onReplace(event.clipboardData.getData('text/plain'));
  };
  return (
    <div
      id={id}
      className="long-text"
      data-testid={`${testId}.long`}
      data-bytes={bytes}
      tabIndex={0}
      role="group"
      aria-label={`A text of ${formatBytes(bytes)}, held outside the text box; paste here to replace it`}
      onPaste={onPaste}
    >
      <p className="long-text__what">
        {formatBytes(bytes)} of text, {formatCount(lines)} line{lines === 1 ? '' : 's'}: longer than{' '}
        {formatBytes(TEXT_BOX_MAX_BYTES)}, so it is held outside the text box, which would slow the page down. Paste
        here (Ctrl+V) to replace it.
      </p>
      <pre className="long-text__start" data-testid={`${testId}.long.start`}>
        {value.slice(0, START_SHOWN_CHARS)}
        {value.length > START_SHOWN_CHARS ? '…' : ''}
      </pre>
      <div className="long-text__actions">
        <button type="button" data-testid={`${testId}.long.edit`} onClick={onEditInBox}>
          Edit in the box anyway
        </button>
        <button type="button" data-testid={`${testId}.long.clear`} onClick={() => onReplace('')}>
          Clear
        </button>
      </div>
    </div>
  );
}
