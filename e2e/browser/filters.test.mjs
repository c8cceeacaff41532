// Browser test of the Filters and Vacation pages (issue 15), run by the
// Go test TestFiltersSieve (e2e/filters_test.go) with FILTERS_PHASE set:
// the user makes a folder, then a rule and the vacation reply with the
// forms only, as in a browser without JavaScript. TestBrowser runs every
// *.test.mjs without FILTERS_PHASE: then this file skips.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, chromiumArgs } from './chromium.mjs';

if (!process.env.FILTERS_PHASE) {
  test('filters', { skip: 'run by go test ./e2e -run TestFiltersSieve' }, () => {});
} else {
  const { chromium } = await import('playwright-core');
  const env = (n) => { const v = process.env[n]; if (!v) throw new Error(`${n} is not set`); return v; };
  const BASE = env('BASE_URL');

  let ctx, dataDir, page;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'postern-chromium-'));
    ctx = await chromium.launchPersistentContext(dataDir, {
      executablePath: CHROMIUM, headless: true, javaScriptEnabled: false,
      args: [...chromiumArgs],
    });
    ctx.setDefaultTimeout(15000);
    page = ctx.pages()[0] ?? await ctx.newPage();
  });
  after(async () => {
    await ctx?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function submit(selector) {
    const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
    return response;
  }

  test('rules and the vacation reply are set on the pages', async () => {
    await page.goto(`${BASE}/`);
    await page.fill('form#login input[name=user]', env('USER'));
    await page.fill('form#login input[name=pass]', env('PASS'));
    await submit('form#login button[type=submit]');
    assert.equal(await page.locator('table#messages').count(), 1, `login: ${page.url()}`);

    await page.goto(`${BASE}/folders`);
    await page.fill('form#create input[name=name]', 'Filed');
    await submit('form#create button[type=submit]');

    await submit('a#nav-filters');
    await submit('a#new-rule');
    await page.fill('#rule-name', 'file it');
    await page.selectOption('select[name=cf0]', 'subject');
    await page.selectOption('select[name=co0]', 'contains');
    await page.fill('input[name=cv0]', env('SUBJECT'));
    await page.selectOption('select[name=ak0]', 'flag');
    await page.selectOption('select[name=ak1]', 'move');
    await page.selectOption('select[name=af1]', 'Filed');
    let r = await submit('#save-rule');
    assert.equal(r.status(), 200, await page.locator('body').innerText());
    assert.equal(await page.locator('ol#rules li.rule').count(), 1);

    await submit('a#new-rule');
    await page.selectOption('select[name=cf0]', 'subject');
    await page.fill('input[name=cv0]', 'fwd me');
    await page.selectOption('select[name=ak0]', 'forwardcopy');
    await page.fill('input[name=aa0]', env('FORWARD_TO'));
    r = await submit('#save-rule');
    assert.equal(r.status(), 200, await page.locator('body').innerText());
    assert.equal(await page.locator('ol#rules li.rule').count(), 2);

    await submit('a#nav-vacation');
    await page.check('#vacation-on');
    await page.fill('#v-subject', 'Away "now"');
    await page.fill('#v-text', 'I am away.\nBack on Monday.');
    await page.fill('#v-days', '7');
    await page.fill('#v-addr', env('SELF'));
    r = await submit('#save-vacation');
    assert.equal(r.status(), 200, await page.locator('body').innerText());
    assert.match(await page.locator('p.notice').innerText(), /Vacation reply saved/);
  });
}
