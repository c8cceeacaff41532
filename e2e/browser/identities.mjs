// Browser tests of the identities page (issue 14), run by the Go test
// TestIdentitiesBrowser (e2e/identities_test.go) in headless Chromium
// with JavaScript off, on a phone-sized screen (390 px): the page, the
// form and compose's From select and Switch button work by forms alone
// and never scroll sideways. Not a *.test.mjs: TestBrowser does not run
// it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, chromiumArgs } from './chromium.mjs';

const env = (n) => { const v = process.env[n]; if (!v) throw new Error(`${n} is not set`); return v; };
const BASE = env('BASE_URL');
const ALIAS = env('ALIAS');
const SHOTS = process.env.SCREENSHOT_DIR || '';

let ctx, dataDir, page;
before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'postern-chromium-'));
  ctx = await chromium.launchPersistentContext(dataDir, {
    executablePath: CHROMIUM, headless: true, javaScriptEnabled: false, viewport: { width: 390, height: 844 },
    args: [...chromiumArgs],
  });
  ctx.setDefaultTimeout(15000);
  page = ctx.pages()[0] ?? await ctx.newPage();
  await page.goto(`${BASE}/`);
  await page.fill('form#login input[name=user]', env('USER_A'));
  await page.fill('form#login input[name=pass]', env('PASS_A'));
  await submit('form#login button[type=submit]');
  assert.equal(await page.locator('table#messages').count(), 1, `login: ${page.url()}`);
});
after(async () => {
  await ctx?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function submit(selector) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
  return response;
}

async function fits(what) {
  if (SHOTS) await page.screenshot({ path: join(SHOTS, `${what}.png`), fullPage: true });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 391, `${what} is ${width}px wide at a 390px viewport: it scrolls sideways`);
}

test('from the preferences to the identities page', async () => {
  await page.goto(`${BASE}/prefs`);
  await submit('#identities-link');
  assert.equal(await page.locator('tr.identity').count(), 2);
  await fits('identities');
});

test('set up the alias: name, Reply-To, a signature above the quote', async () => {
  await submit(`tr.identity[data-address="${ALIAS}"] a.edit`);
  await fits('identity-form');
  await page.fill('#name', 'Phone Sales');
  await page.fill('#reply_to', 'desk@example.org');
  await page.fill('#signature', 'Sent from the sales desk');
  await page.check('input[name=placement][value=above]');
  const r = await submit('#save-identity');
  assert.equal(r.status(), 200);
  const row = page.locator(`tr.identity[data-address="${ALIAS}"]`);
  assert.match(await row.innerText(), /Phone Sales[\s\S]*desk@example\.org[\s\S]*Sent from the sales desk/);
  await fits('identities-after');
});

test('compose: choose the alias and Switch, without JavaScript', async () => {
  await page.goto(`${BASE}/compose`);
  await page.fill('#body', 'Hello');
  await page.selectOption('#from', ALIAS);
  const r = await submit('#switch-identity');
  assert.equal(r.status(), 200);
  assert.equal(await page.inputValue('#from'), ALIAS);
  assert.equal(await page.inputValue('#body'), 'Hello\n\n-- \nSent from the sales desk\n');
  assert.match(await page.locator('#from option:checked').innerText(), /^Phone Sales </);
  await fits('compose-switched');
});
