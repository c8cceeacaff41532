// Browser tests of the site directory (issue 14), run by the Go test
// TestDirectoryBrowser (e2e/directory_test.go) against a real slapd:
// with JavaScript off (JS=off: the directory page by its form and links)
// and on (JS=on: complete.js offers the directory's people after the
// book's, under the page's CSP). MODE=down runs against a directory that
// does not answer: the page says so, and complete.js says so next to the
// field. Not a *.test.mjs: TestBrowser does not run it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, chromiumArgs } from './chromium.mjs';

const env = (n) => { const v = process.env[n]; if (!v) throw new Error(`${n} is not set`); return v; };
const BASE = env('BASE_URL');
const JS = env('JS') === 'on';
const DOWN = env('MODE') === 'down';

let ctx, dataDir, page;
const cspErrors = [];
before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'postern-chromium-'));
  ctx = await chromium.launchPersistentContext(dataDir, {
    executablePath: CHROMIUM, headless: true, javaScriptEnabled: JS,
    args: [...chromiumArgs],
  });
  ctx.setDefaultTimeout(15000);
  page = ctx.pages()[0] ?? await ctx.newPage();
  ctx.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text()); });
  await page.goto(`${BASE}/`);
  await page.fill('form#login input[name=user]', env('USER_A'));
  await page.fill('form#login input[name=pass]', env('PASS_A'));
  await submit(page, 'form#login button[type=submit]');
  assert.equal(await page.locator('table#messages').count(), 1, `login: ${page.url()}`);
});
after(async () => {
  await ctx?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function submit(p, selector) {
  const [response] = await Promise.all([p.waitForNavigation({ waitUntil: 'load' }), p.click(selector)]);
  return response;
}

async function search(q) {
  await submit(page, '#nav-directory');
  await page.fill('form#directory-search input[name=q]', q);
  return submit(page, 'form#directory-search button[type=submit]');
}

if (!DOWN) {
  test(`search the directory, add a person, write to them (JavaScript ${JS ? 'on' : 'off'})`, async () => {
    const r = await search('annab');
    assert.equal(r.status(), 200);
    const row = page.locator('tr.person', { hasText: 'Annabel Staff' });
    assert.equal(await row.count(), 1, await page.locator('main').innerText());
    // On a phone: one person a block, as wide as the screen.
    await page.setViewportSize({ width: 390, height: 800 });
    const box = await row.locator('td.name').boundingBox();
    assert.ok(box && box.width > 300, `name cell ${JSON.stringify(box)} on a 390 px screen`);
    await page.setViewportSize({ width: 1280, height: 800 });

    await submit(page, 'div.mail[data-address="annabel@example.org"] button[type=submit]');
    assert.match(page.url(), /\/directory\?q=annab$/);
    assert.equal(await page.locator('div.mail[data-address="annabel@example.org"] form').count(), 0, 'still offered for adding');

    await submit(page, 'div.mail[data-address="annabel@example.org"] a.write-to');
    assert.equal(await page.locator('#to').inputValue(), 'Annabel Staff <annabel@example.org>');
  });

  test('complete from the directory in compose', async () => {
    await page.goto(`${BASE}/compose`);
    if (!JS) {
      assert.equal(await page.locator('form#compose').getAttribute('data-completing'), null, 'the script ran with JavaScript off');
      return;
    }
    await page.locator('form#compose[data-completing=yes]').waitFor();
    await page.locator('#to').pressSequentially('anna.o', { delay: 20 });
    const opt = page.locator('datalist#complete-to option');
    await opt.first().waitFor({ state: 'attached' });
    const got = await opt.evaluateAll((os) => os.map((o) => [o.value, o.label]));
    assert.deepEqual(got, [['Anna Other <anna.other@example.org>, ', 'Other Org (directory)']]);
    assert.equal(await page.locator('#directory-note-to').count(), 0);
    assert.deepEqual(cspErrors, [], 'CSP violations');
  });
} else {
  test(`a directory that does not answer (JavaScript ${JS ? 'on' : 'off'})`, async () => {
    const r = await search('ann');
    assert.equal(r.status(), 200);
    await page.locator('#directory-unavailable').waitFor();
    if (!JS) return;
    await page.goto(`${BASE}/compose`);
    await page.locator('form#compose[data-completing=yes]').waitFor();
    await page.locator('#to').pressSequentially('ann', { delay: 20 });
    await page.locator('#directory-note-to').waitFor();
    // The book still completes: the Go test put Ann in it.
    const opt = page.locator('datalist#complete-to option');
    await opt.first().waitFor({ state: 'attached' });
    assert.match(await opt.first().getAttribute('value'), /ann@example\.org/);
    assert.deepEqual(cspErrors, [], 'CSP violations');
  });
}
