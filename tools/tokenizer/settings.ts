/** Sizes shared by the tokenizer trainer and its tests. */
export const BPE_VOCAB_SIZE = 8192; // including <|endoftext|>
export const MODEL_MAX_LENGTH = 512;
