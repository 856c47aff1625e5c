/** Demo scripts: an experiment's start extended with steps a speaker plays one per key press (docs/FEATURES.md). */
export * from './schema';
export * from './plan';
export * from './link';
export * from './recording';
export * from './fingerprint';
export * from './describe';
export { BUNDLED_DEMOS, type BundledDemo } from './bundled';
