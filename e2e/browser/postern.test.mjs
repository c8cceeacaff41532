// Browser tests of postern: a real headless Chromium, driven by
// playwright-core, against the Apache that the Go test TestBrowser
// (e2e/browser_test.go) set up. Run through `go test ./e2e -run
// TestBrowser`; it passes the environment below. The tests of this file
// run in order and share one browser profile (a fresh temporary one).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, chromiumArgs } from './chromium.mjs';

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run these tests through go test ./e2e -run TestBrowser`);
  return v;
}

const BASE = need('BASE_URL');
const USER = need('USER_A');
const PASS = need('PASS_A');
const FOLDER = need('FOLDER');
const ATT_ID = need('ATT_ID');
const ATT_SUBJECT = need('ATT_SUBJECT');
const ATT_FILENAME = need('ATT_FILENAME');
const ATT_SHA256 = need('ATT_SHA256');
const MOVE_IDS = need('MOVE_IDS').split(',');
const MOVE_DEST = need('MOVE_DEST');
const DELETE_ID = need('DELETE_ID');
const SUBJECTS = JSON.parse(need('SUBJECTS'));
const SCREENSHOT_DIR = need('SCREENSHOT_DIR');

const listURL = `${BASE}/list?f=${encodeURIComponent(FOLDER)}`;

let ctx;
let dataDir;
let page;
const cspErrors = [];
const pageErrors = [];

function watch(p) {
  p.on('console', (m) => {
    if (/Content[- ]Security[- ]Policy/i.test(m.text())) cspErrors.push(`${p.url()}: ${m.text()}`);
  });
  p.on('pageerror', (e) => pageErrors.push(`${p.url()}: ${e}`));
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'postern-chromium-'));
  ctx = await chromium.launchPersistentContext(dataDir, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    args: [...chromiumArgs],
  });
  ctx.setDefaultTimeout(10000);
  ctx.on('page', watch);
  page = ctx.pages()[0] ?? await ctx.newPage();
  watch(page);
});

after(async () => {
  await ctx?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

// submit clicks a submit button and waits for the page it leads to.
// It returns the main response of the new page.
async function submit(p, selector) {
  const [response] = await Promise.all([
    p.waitForNavigation({ waitUntil: 'load' }),
    p.click(selector),
  ]);
  return response;
}

// describe says what page p shows, for failure messages.
async function describe(p, response) {
  const text = (await p.locator('body').innerText().catch(() => '')).slice(0, 300);
  return `${response ? response.status() : '?'} ${p.url()}: ${JSON.stringify(text)}`;
}

async function login(p) {
  await p.goto(`${BASE}/`);
  await p.fill('form#login input[name=user]', USER);
  await p.fill('form#login input[name=pass]', PASS);
  const response = await submit(p, 'form#login button[type=submit]');
  assert.equal(await p.locator('table#messages').count(), 1, `after logging in: ${await describe(p, response)}`);
}

// loggedIn is set once the first login worked; the flow after it is
// skipped otherwise (the first failure says why).
let loggedIn = false;

test('log in and see the message list', async () => {
  await login(page);
  loggedIn = true;
  assert.match(page.url(), /\/list\?f=INBOX/, 'after login the inbox is shown');
  await page.locator('table#messages').waitFor();
  assert.ok(await page.locator('tr.msg').count() > 0, 'GET /list?f=INBOX: no tr.msg rows');
});

test('open a message and download its attachment', async (t) => {
  if (!loggedIn) return t.skip('the login failed');
  await page.goto(listURL);
  await submit(page, `tr.msg[data-id="${ATT_ID}"] a >> nth=0`);
  const subject = await page.locator('#msg-subject').innerText();
  assert.ok(subject.includes(ATT_SUBJECT), `#msg-subject = ${JSON.stringify(subject)}, want ${JSON.stringify(ATT_SUBJECT)}`);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('a.attachment'),
  ]);
  assert.equal(download.suggestedFilename(), ATT_FILENAME, 'download file name');
  const bytes = await readFile(await download.path());
  assert.equal(createHash('sha256').update(bytes).digest('hex'), ATT_SHA256, 'downloaded bytes');
});

test('select two messages and move them to a folder', async (t) => {
  if (!loggedIn) return t.skip('the login failed');
  await page.goto(listURL);
  for (const id of MOVE_IDS) await page.check(`tr.msg[data-id="${id}"] input[name=id]`);
  await page.selectOption('form#actions select[name=op]', 'move');
  await page.selectOption('form#actions select[name=dest]', MOVE_DEST);
  await submit(page, 'form#actions button[type=submit]');
  await page.goto(listURL);
  for (const id of MOVE_IDS) {
    assert.equal(await page.locator(`tr.msg[data-id="${id}"]`).count(), 0, `${id} still listed in ${FOLDER} after the move`);
  }
});

test('delete a message', async (t) => {
  if (!loggedIn) return t.skip('the login failed');
  await page.goto(listURL);
  await page.check(`tr.msg[data-id="${DELETE_ID}"] input[name=id]`);
  await page.selectOption('form#actions select[name=op]', 'delete');
  await submit(page, 'form#actions button[type=submit]');
  await page.goto(listURL);
  assert.equal(await page.locator(`tr.msg[data-id="${DELETE_ID}"]`).count(), 0, `${DELETE_ID} still listed after delete`);
});

test('log out, then Back shows no mail', async (t) => {
  if (!loggedIn) return t.skip('the login failed');
  await page.goto(listURL);
  await submit(page, '#logout button');
  await page.locator('form#login').waitFor();
  await page.goBack().catch(() => null);
  await page.waitForLoadState('load');
  const body = await page.content();
  for (const s of SUBJECTS) {
    assert.ok(!body.includes(s), `after logout and Back the page (${page.url()}) shows the subject ${JSON.stringify(s)}`);
  }
  assert.equal(await page.locator('table#messages').count(), 0, `after logout and Back ${page.url()} shows a message list`);
});

test('list page on a phone: styled, no horizontal scroll', async (t) => {
  if (!loggedIn) return t.skip('the login failed');
  const phone = await ctx.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await login(phone);
  await phone.goto(`${BASE}/list?f=INBOX`);
  await phone.locator('table#messages').waitFor();
  await phone.screenshot({ path: join(SCREENSHOT_DIR, 'list-phone.png'), fullPage: true });
  const sheets = await phone.evaluate(() => document.styleSheets.length);
  assert.ok(sheets >= 1, 'no stylesheet applied on the list page');
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 391, `list page is ${width}px wide at a 390px viewport: it scrolls horizontally`);
  await phone.close();
});

test('no CSP violations or script errors on normal pages', () => {
  assert.deepEqual(cspErrors, [], 'console reported Content Security Policy violations');
  assert.deepEqual(pageErrors, [], 'pages threw errors');
});
