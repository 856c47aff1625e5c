/** Bigram vs full-context comparison, the corpus bigram reference, and lens statistics (docs/PAPERS.md section 2). */
export * from './compare';
export * from './correlation';
export * from './corpusBigram';
export * from './layers';
export * from './firstMlpPath';
