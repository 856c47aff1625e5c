/** Which embedded models the app picks when the user has not: no React, tested in Node. */
import type { EmbeddedModel } from './useEmbeddedModels';

type ModelKind = Pick<EmbeddedModel, 'id' | 'isDefault' | 'isSecondDefault' | 'vocabSize'>;

/**
 * The other model compared by default: the strongest embedded model of the other kind, the
 * byte model (models.json's `secondDefault`) beside a token model, the default beside a byte model.
 */
export function defaultOtherModel(models: readonly ModelKind[], loadedId: string | null): string {
  const second = models.find((m) => m.isSecondDefault)?.id ?? 'sotu-bytes-long';
  const first = models.find((m) => m.isDefault)?.id ?? 'sotu-gpt-long';
  const loaded = models.find((m) => m.id === loadedId);
  // A byte model has at most 256 bytes plus a few specials.
  const loadedIsByteModel = loadedId === second || (loaded?.vocabSize ?? Infinity) <= 260;
  return loadedIsByteModel ? first : second;
}
