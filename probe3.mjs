import { chromium } from '@playwright/test';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-background-networking','--disable-component-update','--no-first-run','--disable-sync'] });
const page = await browser.newPage();
await page.addInitScript(() => { globalThis.__aiLabHooks = {}; });
const n = () => page.evaluate(() => globalThis.__aiLabHooks.runtime.numTensors());
await page.goto('http://127.0.0.1:4199/?backend=wasm');
await page.getByTestId('prediction').waitFor();
await page.waitForTimeout(1000);
console.log('start', await n());
for (let i = 0; i < 4; i++) {
  await page.getByLabel('Switch backend').selectOption('webgl');
  await page.waitForTimeout(2500);
  console.log('on webgl', await n(), await page.getByTestId('backend-name').textContent());
  await page.evaluate(() => globalThis.__aiLabHooks.runtime.loseWebGLContext());
  await page.waitForTimeout(2500);
  console.log('after loss', await n(), await page.getByTestId('backend-name').textContent());
}
await browser.close();
