/**
 * The precomputed first view (src/core/lab/firstView.json, written by tools/vite/firstViewData.ts)
 * ships inside the app: a build refuses to start when it no longer belongs to what the app opens
 * on (the default model's files, byte for byte, and the default text), so a stale first screen
 * can never be shipped. The figures themselves are compared with a fresh Node run by
 * tools/vite/firstView.test.ts, and with the live model in the page (src/state/nextTokenFirstView.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vite';
import type { FirstViewData } from '../../src/core/lab/firstView';
import { sha256Hex } from '../../src/core/sha256Hex';
import { DEFAULT_TEXT } from '../../src/state/settings';

const FIRST_VIEW_PATH = 'src/core/lab/firstView.json';
const REGENERATE = 'npx tsx tools/vite/firstViewData.ts';

/** Why the shipped first view does not belong to the app in `root`, or null when it does. */
export async function firstViewProblem(root: string): Promise<string | null> {
  const data = JSON.parse(readFileSync(join(root, FIRST_VIEW_PATH), 'utf8')) as FirstViewData;
  const models = JSON.parse(readFileSync(join(root, 'public', 'models', 'models.json'), 'utf8')) as {
    default: string;
  };
  if (data.modelId !== models.default) return `it is of ${data.modelId}, but the app opens on ${models.default}`;
  if (data.text !== DEFAULT_TEXT) return 'it is of another text than the default text (src/state/settings.ts)';
  for (const file of data.modelFiles) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(join(root, 'public', 'models', data.modelId, file.path));
    } catch {
      return `public/models/${data.modelId}/${file.path} is missing`;
    }
    if ((await sha256Hex(bytes)) !== file.sha256) return `public/models/${data.modelId}/${file.path} has changed`;
  }
  return null;
}

export function firstView(): Plugin {
  let root = process.cwd();
  return {
    name: 'tokenscope-first-view',
    apply: 'build',
    configResolved(config) {
      root = config.root;
    },
    async buildStart() {
      const problem = await firstViewProblem(root);
      if (problem) this.error(`${FIRST_VIEW_PATH} is stale: ${problem}. Regenerate it: ${REGENERATE}`);
    },
  };
}
