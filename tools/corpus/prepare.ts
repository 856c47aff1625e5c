/** `npm run corpus`: writes .cache/corpus (see corpus.ts for the split rule). */
import { runTool } from '../lib/files';
import { prepareCorpus } from './corpus';

await runTool(prepareCorpus);
