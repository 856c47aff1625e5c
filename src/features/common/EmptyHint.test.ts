import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { EmptyHint } from './EmptyHint';

describe('EmptyHint', () => {
  it('says what to do first, under a test id named after its view', () => {
    const markup = renderToStaticMarkup(createElement(EmptyHint, { name: 'batch' }, 'Add prompts and press Run.'));
    expect(markup).toContain('data-testid="empty-hint.batch"');
    expect(markup).toContain('Add prompts and press Run.');
    expect(markup).not.toContain('<button');
  });

  it('offers its action as a button', () => {
    const markup = renderToStaticMarkup(
      createElement(
        EmptyHint,
        { name: 'lab', action: { label: 'Use an example text', onClick: () => undefined } },
        'Type or paste a text above.',
      ),
    );
    expect(markup).toMatch(
      /<button type="button"[^>]*data-testid="empty-hint\.lab\.action"[^>]*>Use an example text<\/button>/,
    );
  });
});
