// Browser tests of the address book (issue 14), run by the Go test
// TestContactsBrowser (e2e/contacts_test.go) twice: with JavaScript off
// (JS=off: every page must work by forms and links alone, completion by
// the server's datalist) and on (JS=on: complete.js completes as you
// type, under the page's CSP, with no CSP violation). Each run adds a
// contact, edits it in two tabs (the stale tab is refused), imports a
// vCard through preview and confirm, exports the book, and sends a
// message to a group through the private Postfix; the Go test checks
// the delivered headers. Not a *.test.mjs: TestBrowser does not run it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, chromiumArgs } from './chromium.mjs';

const env = (n) => { const v = process.env[n]; if (!v) throw new Error(`${n} is not set`); return v; };
const BASE = env('BASE_URL');
const JS = env('JS') === 'on';
const TAG = env('TAG');
const MEMBER = env('MEMBER'); // B's address, put in the group by this test
const GROUP = `Crew${TAG}`;

let ctx, dataDir, fileDir, page;
const cspErrors = [];
before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'postern-chromium-'));
  fileDir = await mkdtemp(join(tmpdir(), 'postern-import-'));
  ctx = await chromium.launchPersistentContext(dataDir, {
    executablePath: CHROMIUM, headless: true, acceptDownloads: true, javaScriptEnabled: JS,
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
  if (fileDir) await rm(fileDir, { recursive: true, force: true });
});

async function submit(p, selector) {
  const [response] = await Promise.all([p.waitForNavigation({ waitUntil: 'load' }), p.click(selector)]);
  return response;
}

test(`add a contact in a group (JavaScript ${JS ? 'on' : 'off'})`, async () => {
  await submit(page, '#nav-contacts');
  await submit(page, '#new-contact');
  await page.fill('#name', `Bee Member ${TAG}`);
  await page.fill('#email0', MEMBER);
  await page.selectOption('select[name=email_type] >> nth=0', 'work');
  await page.fill('#groups', GROUP);
  const r = await submit(page, '#save-contact');
  assert.equal(r.status(), 200);
  assert.equal(await page.locator('#contact-name').innerText(), `Bee Member ${TAG}`);
  assert.equal(await page.locator('#contact-groups').innerText(), GROUP);
});

test('the list on a phone: one contact a block, the name as wide as the screen', async () => {
  await page.goto(`${BASE}/contacts`);
  await page.setViewportSize({ width: 390, height: 800 });
  const box = await page.locator('tr.contact td.name').first().boundingBox();
  assert.ok(box && box.width > 300, `name cell ${JSON.stringify(box)} on a 390 px screen`);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goBack();
});

test('two tabs edit the same contact: the stale one is refused', async () => {
  const edit = await page.locator('#edit-contact').getAttribute('href');
  const tab2 = await ctx.newPage();
  await tab2.goto(new URL(edit, BASE).href);
  await submit(page, '#edit-contact');
  await page.fill('#nickname', `bee${TAG}`);
  assert.equal((await submit(page, '#save-contact')).status(), 200);
  await tab2.fill('#nickname', 'from the second tab');
  const r = await submit(tab2, '#save-contact');
  assert.equal(r.status(), 409);
  assert.match(await tab2.locator('#contact-error').innerText(), /changed elsewhere/);
  assert.equal(await tab2.inputValue('#nickname'), 'from the second tab');
  await tab2.close();
  await page.reload();
  assert.match(await page.locator('#contact').innerText(), new RegExp(`bee${TAG}`));
});

test('import a vCard: preview, then confirm', async () => {
  const file = join(fileDir, 'friends.vcf');
  await writeFile(file, `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Imported ${TAG}\r\nEMAIL;TYPE=INTERNET:imp${TAG}@example.org\r\nEND:VCARD\r\n` +
    `BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Again\r\nEMAIL:${MEMBER}\r\nEND:VCARD\r\n`);
  await page.goto(`${BASE}/contacts`);
  await submit(page, '#import');
  await page.setInputFiles('#import-file', file);
  await submit(page, '#upload-import');
  assert.equal(await page.locator('#import-add li').count(), 1);
  assert.match(await page.locator('#import-duplicates').innerText(), new RegExp(`Bee Member ${TAG}`));
  await submit(page, '#confirm-import');
  assert.match(await page.locator('#import-done').innerText(), /^1 contact added/);
});

test('export the book as vCard', async () => {
  await page.goto(`${BASE}/contacts`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-vcf')]);
  assert.equal(download.suggestedFilename(), 'contacts.vcf');
  const text = await readFile(await download.path(), 'utf8');
  assert.match(text, new RegExp(`FN:Imported ${TAG}`));
  assert.match(text, new RegExp(`EMAIL;TYPE=work:${MEMBER.replace('.', '\\.')}`));
});

test('complete in compose and send to the group', async () => {
  await page.goto(`${BASE}/compose`);
  const names = await page.locator('datalist#addressbook option').evaluateAll((os) => os.map((o) => o.getAttribute('value')));
  assert.ok(names.includes(GROUP), `server datalist ${JSON.stringify(names)} lacks ${GROUP}`);
  if (JS) {
    await page.locator('form#compose[data-completing=yes]').waitFor();
    // typed, key by key, after a first address: the second entry completes
    await page.locator('#to').pressSequentially('x@example.org, bee mem', { delay: 20 });
    const opt = page.locator('datalist#complete-to option');
    await opt.first().waitFor({ state: 'attached' });
    const v = await opt.first().getAttribute('value');
    assert.equal(v, `x@example.org, Bee Member ${TAG} <${MEMBER}>, `);
  } else {
    assert.equal(await page.locator('form#compose').getAttribute('data-completing'), null, 'the script ran with JavaScript off');
  }
  await page.fill('#to', GROUP);
  await page.fill('#subject', `Crew mail ${TAG}`);
  await page.fill('#body', 'to the crew');
  const r = await submit(page, '#send');
  assert.equal(r.status(), 200, await page.locator('main').innerText());
  await page.locator('#sent-notice').waitFor();
  assert.deepEqual(cspErrors, [], 'CSP violations');
});
