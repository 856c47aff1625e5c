import { readFileSync } from 'node:fs';
import { test } from '@playwright/test';
import { expectForwardMatchesPyTorch } from './fixture';
import { TokenscopePage } from './tokenscopePage';

const manifest = JSON.parse(readFileSync('public/models/models.json', 'utf8')) as {
  default: string;
  models: { id: string }[];
};

for (const { id } of manifest.models.filter((m) => m.id !== manifest.default)) {
  test(`the embedded ${id} loads in the browser and predicts as PyTorch does`, async ({ page }) => {
    const app = new TokenscopePage(page);
    await app.open({ backend: 'wasm' });
    await app.expectModel(`embedded:${manifest.default}`);
    await test.step(`pick ${id} in the model picker`, async () => {
      await app.openModels();
      await page.getByTestId(`model.embedded.${id}`).click();
      await app.expectModel(`embedded:${id}`);
    });
    await test.step("a distribution for the text, and logits equal to PyTorch's", async () => {
      await app.typeText('Fellow-Citizens of the Senate and House');
      await app.expectDistribution();
      await expectForwardMatchesPyTorch(page, 1e-3, id);
    });
  });
}
