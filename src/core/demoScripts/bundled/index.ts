/** The demo scripts that ship with the app, each checked by the schema and played end to end by the e2e. */
import { demoScriptSchema, type DemoScript } from '../schema';
import { BIGRAM_DEMO } from './bigram';
import { KEY_SPACE_DEMO } from './keySpace';
import { TEMPERATURE_DEMO } from './temperature';
import { TOKENIZATION_BIAS_DEMO } from './tokenizationBias';

export interface BundledDemo {
  /** Stable: the e2e and links name a bundled demo by it. */
  id: string;
  script: DemoScript;
}

export const BUNDLED_DEMOS: readonly BundledDemo[] = [
  { id: 'temperature', script: demoScriptSchema.parse(TEMPERATURE_DEMO) },
  { id: 'tokenization-bias', script: demoScriptSchema.parse(TOKENIZATION_BIAS_DEMO) },
  { id: 'key-space', script: demoScriptSchema.parse(KEY_SPACE_DEMO) },
  { id: 'bigram', script: demoScriptSchema.parse(BIGRAM_DEMO) },
];
