// Opens a hostile HTML message in headless Chromium through the real CGI:
// no script may run, no dialog may open, and no request may go anywhere
// but our own Apache until the user asks for remote content. Run by
// TestBrowserHostileHTML (e2e/html_test.go), which passes the environment.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, chromiumArgs } from './chromium.mjs';

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run through go test ./e2e -run TestBrowserHostileHTML`);
  return v;
}

const BASE = need('BASE_URL');
const USER = need('USER_A');
const PASS = need('PASS_A');
const MSG_URL = need('MSG_URL');
const TRACKER = need('TRACKER');
const origin = new URL(BASE).origin;

let ctx;
let dataDir;
const requests = [];
const dialogs = [];
const pageErrors = [];

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'postern-chromium-'));
  ctx = await chromium.launchPersistentContext(dataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...chromiumArgs],
  });
  ctx.setDefaultTimeout(10000);
  ctx.on('request', (r) => requests.push(r.url()));
  ctx.on('page', (p) => {
    p.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
    p.on('pageerror', (e) => pageErrors.push(String(e)));
  });
});

after(async () => {
  await ctx?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

test('hostile HTML runs nothing and loads nothing remote', async () => {
  const page = ctx.pages()[0] ?? await ctx.newPage();
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  await page.goto(`${BASE}/`);
  await page.fill('form#login input[name=user]', USER);
  await page.fill('form#login input[name=pass]', PASS);
  await Promise.all([page.waitForNavigation(), page.click('form#login button[type=submit]')]);
  assert.equal(await page.locator('table#messages').count(), 1, 'logged in');

  requests.length = 0;
  await page.goto(MSG_URL);
  const frameEl = page.locator('iframe.htmlmail');
  await frameEl.waitFor();
  const frame = await (await frameEl.elementHandle()).contentFrame();
  await frame.waitForLoadState('load');
  await page.waitForTimeout(1500);
  const text = await frame.locator('body').innerText();
  assert.match(text, /Visible text of the hostile mail/, 'the mail text shows in the frame');
  const leaked = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('about:'));
  assert.deepEqual(leaked, [], 'requests that left our own server before remote content was allowed');
  const cid = frame.locator('img[alt=logo]');
  assert.match(await cid.getAttribute('src'), /^data:image\/png;base64,/, 'the cid: image is inlined (the frame has an opaque origin)');
  assert.ok(await cid.evaluate((img) => img.complete && img.naturalWidth > 0), 'the cid: image shows');
  assert.deepEqual(dialogs, [], 'dialogs opened');
  assert.deepEqual(pageErrors, [], 'page errors');
  const notice = await page.locator('.remote').innerText();
  assert.match(notice, /blocked/, 'the page says remote content was blocked');
});

test('loading remote content on request fetches only images', async () => {
  const page = ctx.pages()[0];
  requests.length = 0;
  await Promise.all([page.waitForNavigation(), page.click('#load-remote')]);
  const frameEl = page.locator('iframe.htmlmail');
  await frameEl.waitFor();
  const frame = await (await frameEl.elementHandle()).contentFrame();
  await frame.waitForLoadState('load');
  await page.waitForTimeout(1500);
  const remote = requests.filter((u) => u.startsWith(TRACKER));
  assert.ok(remote.some((u) => u.endsWith('/pixel.gif')), `the remote image was not fetched (requests: ${requests.join(' ')})`);
  for (const u of remote) {
    assert.ok(u.endsWith('/pixel.gif') || u.endsWith('/bg'), `unexpected remote request ${u}`);
  }
  assert.deepEqual(dialogs, [], 'dialogs opened');
});
