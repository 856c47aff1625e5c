/**
 * The tokenizer lab's pure core: see docs/TOKENIZER-LAB.md.
 *
 * The tokenizer itself (engine/byteSpanTokenizer.ts) imports transformers.js and lives in the
 * engine; this folder holds what works on its output as plain data.
 */
export { BIAS_DEMO_PROMPTS, stableBoundary, type BiasDemoPrompt } from './biasLens';
export { alignTokens, type Alignment, type AlignOptions, type UnicodeNormalization } from './align';
export {
  bitsPerBytePosition,
  compareOnBytes,
  largestDisagreements,
  type ByteAlignedComparison,
  type ScoredSpan,
  type WordBits,
} from './byteAlignedBits';
export {
  exactNextByteDistribution,
  exactNextCharacters,
  memoizeNextTokenLogProbs,
  type ByteTokenizer,
  type NextByteDistribution,
  type NextByteOptions,
  type NextCharacter,
  type NextTokenLogProbs,
} from './byteLemma';
export { charPositions, charPositionsOfWord, type CharPosition } from './charPositions';
export {
  errorBoundOf,
  exactHeading,
  exactnessLabel,
  exactNextBytesOnModel,
  type LemmaOnModelOptions,
  type LemmaOnModelResult,
  type LemmaTokenizer,
} from './lemmaOnModel';
export type { TokenSpan, Tokenization } from './tokenSpans';
export {
  parseTokenizerManifest,
  tokenizerManifestSchema,
  type TokenizerManifest,
  type TokenizerManifestEntry,
} from './manifest';
export {
  digitMetrics,
  tokenizationMetrics,
  tokensPerSpan,
  type DigitMetrics,
  type DigitRun,
  type SpannedToken,
  type TokenizationMetrics,
} from './metrics';
export {
  PARALLEL_SENTENCES,
  tokenParity,
  type LanguageParity,
  type ParallelLanguage,
  type ParallelSet,
} from './parity';
export { TokenByteIndex } from './tokenByteIndex';
export { naiveNextByteDistribution, tokenHealing, type HealedCandidate, type TokenHealingResult } from './tokenHealing';
export {
  checkTokenizerJson,
  describeTokenizerJson,
  parseTokenizerJson,
  TokenizerFileError,
  type TokenizerAlgorithm,
  type TokenizerDescription,
} from './tokenizerJson';
export { characterSpans, findWords, utf8Length, type TextSpan, type WordDefinition } from './words';
