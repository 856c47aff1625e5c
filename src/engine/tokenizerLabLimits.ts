/**
 * The tokenizer lab's display size and ids (its input limits are in core/limits), apart from engine/tokenizerLab.ts so the UI can read them
 * without pulling transformers.js (which LabTokenizer imports) into the main-thread bundle.
 */

/** The row id of the loaded model's own tokenizer. */
export const MODEL_TOKENIZER_ID = 'model';
/** Chips are sent for the tokens starting in the first this many bytes; metrics cover the whole text. */
export const LAB_DEFAULT_DISPLAY_BYTES = 4_000;
