/** Tokenizer files over HTTP: the app's own folder and a Hub host read an HTML page differently. */
import { afterEach, describe, expect, it } from 'vitest';
import { httpTokenizerFiles, TokenizerLab, type TokenizerFiles } from './tokenizerLab';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

function answerEveryRequestWith(makeResponse: () => Response): void {
  globalThis.fetch = (async () => makeResponse()) as typeof fetch;
}

const htmlPage = () =>
  new Response('<!doctype html><title>Sign in to the Wi-Fi</title>', { headers: { 'content-type': 'text/html' } });
const noFiles: TokenizerFiles = { where: (path) => path, read: async () => null };

describe('httpTokenizerFiles', () => {
  it("reads the app's single-page-app fallback page as a missing file", async () => {
    answerEveryRequestWith(htmlPage);
    expect(await httpTokenizerFiles('http://app/tokenizers/').read('gpt2/tokenizer.json')).toBeNull();
  });

  it('says a Hub host answered an HTML page instead of tokenizer.json, not that the file is missing', async () => {
    answerEveryRequestWith(htmlPage);
    const lab = new TokenizerLab(noFiles, () => null);
    await expect(lab.add({ kind: 'hub', id: 'Xenova/gpt2', host: 'https://portal.example/' })).rejects.toThrow(
      'Xenova/gpt2: tokenizer.json could not be fetched from https://portal.example/Xenova/gpt2/resolve/main/tokenizer.json ' +
        '(the host answered an HTML page instead of tokenizer.json; a captive portal, a login page or a wrong Hub host answers this way).',
    );
  });
});
