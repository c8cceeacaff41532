// Opens a message that places remote images in every way a mail may, in
// headless Chromium through the real CGI, and loads remote content: the
// Go side (TestBrowserRemoteReferer in e2e/referer_test.go) checks the
// Referer of what reached its tracker; here no request may go to a URL of
// the webmail itself (marked self=), and the session must survive.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, chromiumArgs } from './chromium.mjs';

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run through go test ./e2e -run TestBrowserRemoteReferer`);
  return v;
}

const BASE = need('BASE_URL');
const USER = need('USER_A');
const PASS = need('PASS_A');
const MSG_URL = need('MSG_URL');
const TRACKER = need('TRACKER');

let ctx;
let dataDir;
const requests = [];

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'postern-chromium-'));
  ctx = await chromium.launchPersistentContext(dataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...chromiumArgs],
  });
  ctx.setDefaultTimeout(10000);
  ctx.on('request', (r) => requests.push(r.url()));
});

after(async () => {
  await ctx?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function frameOf(page) {
  const frameEl = page.locator('iframe.htmlmail');
  await frameEl.waitFor();
  const frame = await (await frameEl.elementHandle()).contentFrame();
  await frame.waitForLoadState('load');
  await page.waitForTimeout(2500);
  return frame;
}

test('remote images load without a Referer, the webmail itself never', async () => {
  const page = ctx.pages()[0] ?? await ctx.newPage();
  await page.goto(`${BASE}/`);
  await page.fill('form#login input[name=user]', USER);
  await page.fill('form#login input[name=pass]', PASS);
  await Promise.all([page.waitForNavigation(), page.click('form#login button[type=submit]')]);
  assert.equal(await page.locator('table#messages').count(), 1, 'logged in');

  await page.goto(MSG_URL);
  let frame = await frameOf(page);
  assert.deepEqual(requests.filter((u) => u.startsWith(TRACKER)), [], 'remote images loaded before remote content was allowed');

  await Promise.all([page.waitForNavigation(), page.click('#load-remote')]);
  frame = await frameOf(page);
  assert.ok(requests.some((u) => u.startsWith(TRACKER)), 'no remote image was loaded after the click');
  const self = requests.filter((u) => u.includes('self='));
  assert.deepEqual(self, [], 'requests to the webmail itself');
  assert.equal(await frame.evaluate(() => document.referrer), '', 'the frame knows its referrer');
  const cid = frame.locator('img[alt=logo]');
  assert.match(await cid.getAttribute('src'), /^data:image\/png;base64,/, 'the cid: image is inlined');
  assert.ok(await cid.evaluate((img) => img.complete && img.naturalWidth > 0), 'the cid: image shows');

  // The frame document opened on its own (text browsers, "open frame in
  // new tab") keeps its opaque origin: the CSP sandbox.
  const frameURL = await page.locator('iframe.htmlmail').getAttribute('src');
  const before = requests.length;
  const top = await ctx.newPage();
  await top.goto(new URL(frameURL, BASE).href);
  await top.waitForTimeout(2500);
  assert.equal(await top.evaluate(() => window.origin), 'null', 'the frame document alone has an opaque origin');
  assert.deepEqual(requests.slice(before).filter((u) => u.includes('self=')), [], 'requests to the webmail itself (frame alone)');
  await top.close();

  await page.goto(`${BASE}/`);
  assert.equal(await page.locator('table#messages').count(), 1, 'still logged in');
});
