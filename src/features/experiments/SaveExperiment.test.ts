/**
 * Enter in the name box saves: the browser submits a form when Enter is pressed in its text
 * field, so the name box and the Save button must share a form whose only submit button is Save.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { SaveExperiment } from './SaveExperiment';

describe('SaveExperiment', () => {
  it('puts the name box in a form whose only submit button is Save', () => {
    const markup = renderToStaticMarkup(createElement(SaveExperiment));
    const form = /<form[^>]*>(.*?)<\/form>/s.exec(markup)?.[1];
    expect(form).toBeDefined();
    expect(form).toContain('data-testid="experiment.save.name"');
    const submitButtons = [...markup.matchAll(/<button type="submit"[^>]*>/g)].map((m) => m[0]);
    expect(submitButtons).toEqual(['<button type="submit" data-testid="experiment.save.button">']);
    expect(form).toContain(submitButtons[0]);
  });
});
