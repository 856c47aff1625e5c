import { describe, expect, it } from 'vitest';
import { scanEmbeddedModels } from '../../../tools/vite/plugins.mjs';
import { DEFAULT_MODEL_ID } from '../../state/engineActions';
import { defaultOtherModel } from './defaultModels';

describe('default models', () => {
  const models = scanEmbeddedModels('public/models');

  it("the app opens on models.json's default, the strongest embedded model, listed first", () => {
    expect(models[0]).toMatchObject({ id: DEFAULT_MODEL_ID, isDefault: true });
    expect(models.filter((m) => m.isSecondDefault).map((m) => m.id)).toEqual(['sotu-bytes-long']);
    for (const m of models) expect(m.summary, m.id).toBeTruthy();
  });

  it('compares a token model with the strongest byte model, and a byte model with the default', () => {
    expect(defaultOtherModel(models, 'sotu-gpt-long')).toBe('sotu-bytes-long');
    expect(defaultOtherModel(models, 'sotu-llama')).toBe('sotu-bytes-long');
    expect(defaultOtherModel(models, 'sotu-bytes-long')).toBe('sotu-gpt-long');
    expect(defaultOtherModel(models, 'sotu-bytes')).toBe('sotu-gpt-long');
    expect(defaultOtherModel(models, null)).toBe('sotu-bytes-long');
  });
});
