/** `npm run tokenizers`: see copy.ts. */
import { runTool } from '../lib/files';
import { buildTokenizerAssets, defaultOutDir } from './copy';

await runTool(async () => {
  const started = Date.now();
  const manifest = await buildTokenizerAssets(defaultOutDir);
  console.log(`tokenizers: ${manifest.tokenizers.length} in public/tokenizers (${Date.now() - started} ms)`);
});
