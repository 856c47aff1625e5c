/**
 * The tokenizer lab's limits and ids, apart from engine/tokenizerLab.ts so the UI can read them
 * without pulling transformers.js (which LabTokenizer imports) into the main-thread bundle.
 */

/** The row id of the loaded model's own tokenizer. */
export const MODEL_TOKENIZER_ID = 'model';
/** Texts longer than this (UTF-8 bytes) are refused before any tokenizer runs. */
export const LAB_MAX_TEXT_BYTES = 1_000_000;
/** Chips are sent for the tokens starting in the first this many bytes; metrics cover the whole text. */
export const LAB_DEFAULT_DISPLAY_BYTES = 4_000;
/** Two models on one text: texts longer than this (UTF-8 bytes) are refused, since both models score every token. */
export const COMPARE_MAX_TEXT_BYTES = 20_000;
