/**
 * What a view says while it has nothing to show yet: one sentence on what to do first, and
 * optionally a button that does it. data-testid="empty-hint.<name>" (the action: "….action").
 */
import type { ReactNode } from 'react';
import './emptyHint.css';

export interface EmptyHintProps {
  /** The view (and the case, when a view has several): "lab", "tokenizers.no-text", … */
  name: string;
  children?: ReactNode;
  action?: { label: string; onClick: () => void };
}

export function EmptyHint({ name, children, action }: EmptyHintProps) {
  return (
    <div className="empty-hint" data-testid={`empty-hint.${name}`}>
      <p className="empty-hint__text">{children}</p>
      {action && (
        <button
          type="button"
          className="empty-hint__action"
          data-testid={`empty-hint.${name}.action`}
          onClick={action.onClick}
        >
          {action.label}
        </button>
      )}
    </div>
  );
}
