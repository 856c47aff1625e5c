/** Types for mistral-tokenizer-js 1.0.0 (it ships none), a devDependency the tokenizer lab's tests compare ids with. */
declare module 'mistral-tokenizer-js' {
  const mistralTokenizer: {
    vocabById: string[];
    vocabByString: Map<string, number>;
    /** "left right" → merge priority (lower first). */
    merges: Map<string, number>;
    encode(prompt: string, add_bos_token?: boolean, add_preceding_space?: boolean, log_performance?: boolean): number[];
    decode(tokenIds: number[], add_bos_token?: boolean, add_preceding_space?: boolean): string;
  };
  export default mistralTokenizer;
}
