/** `npm run corpus`: writes .cache/corpus (see corpus.ts for the split rule). */
import { prepareCorpus } from './corpus';

await prepareCorpus();
