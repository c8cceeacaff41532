// Browser tests of composing and sending (issue 5), run by the Go test
// TestComposeBrowser (e2e/compose_browser_test.go) against its private
// Postfix, in two phases chosen by COMPOSE_PHASE: "send" (user A sends
// a message with an attachment and a non-ASCII subject; user B reads it
// and downloads the attachment) and "fail" (the configured sendmail
// fails: the form comes back with everything and the error). TestBrowser
// runs every *.test.mjs without COMPOSE_PHASE: then this file skips.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, chromiumArgs } from './chromium.mjs';

const PHASE = process.env.COMPOSE_PHASE;

if (!PHASE) {
  test('compose', { skip: 'run by go test ./e2e -run TestComposeBrowser' }, () => {});
} else {
  const { chromium } = await import('playwright-core');
  const env = (n) => { const v = process.env[n]; if (!v) throw new Error(`${n} is not set`); return v; };
  const BASE = env('BASE_URL');
  const SUBJECT = env('SUBJECT');
  const TO = env('TO');
  const BCC = env('BCC');
  const attBytes = Buffer.from(`attachment bytes ${SUBJECT}\n\u0000\u00ff binary tail`, 'latin1');
  const attName = 'Bericht-ä.bin';

  let ctx, dataDir, page, fileDir;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'postern-chromium-'));
    fileDir = await mkdtemp(join(tmpdir(), 'postern-upload-'));
    await writeFile(join(fileDir, attName), attBytes);
    ctx = await chromium.launchPersistentContext(dataDir, {
      executablePath: CHROMIUM, headless: true, acceptDownloads: true,
      args: [...chromiumArgs],
    });
    ctx.setDefaultTimeout(15000);
    page = ctx.pages()[0] ?? await ctx.newPage();
  });
  after(async () => {
    await ctx?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    if (fileDir) await rm(fileDir, { recursive: true, force: true });
  });

  async function submit(selector) {
    const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
    return response;
  }
  async function login(user, pass) {
    await page.context().clearCookies();
    await page.goto(`${BASE}/`);
    await page.fill('form#login input[name=user]', user);
    await page.fill('form#login input[name=pass]', pass);
    await submit('form#login button[type=submit]');
    assert.equal(await page.locator('table#messages').count(), 1, `login of ${user}: ${page.url()}`);
  }
  async function fillForm() {
    await submit('a#write');
    await page.locator('form#compose').waitFor();
    await page.fill('#to', TO);
    await page.fill('#bcc', BCC);
    await page.fill('#subject', SUBJECT);
    await page.fill('#body', `Hello,\nthis is ${SUBJECT}.\n`);
    await page.setInputFiles('#file', join(fileDir, attName));
  }

  if (PHASE === 'send') {
    test('A sends a message with an attachment and a non-ASCII subject', async () => {
      await login(env('USER_A'), env('PASS_A'));
      await fillForm();
      const r = await submit('#send');
      assert.equal(r.status(), 200, await page.locator('body').innerText());
      await page.locator('#sent-notice').waitFor();
    });
    test('B reads it: subject decoded, attachment intact', async () => {
      await login(env('USER_B'), env('PASS_B'));
      let found = false;
      for (let i = 0; i < 60 && !found; i++) {
        await page.goto(`${BASE}/list?f=INBOX`);
        found = await page.locator('tr.msg', { hasText: SUBJECT }).count() > 0;
        if (!found) await page.waitForTimeout(500);
      }
      assert.ok(found, `no message "${SUBJECT}" in B's inbox`);
      await submit(`tr.msg:has-text("${SUBJECT}") a >> nth=0`);
      assert.equal(await page.locator('#msg-subject').innerText(), SUBJECT);
      const link = page.locator('a.attachment', { hasText: attName });
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      assert.equal(download.suggestedFilename(), attName);
      const got = await readFile(await download.path());
      assert.equal(createHash('sha256').update(got).digest('hex'), createHash('sha256').update(attBytes).digest('hex'), 'downloaded bytes');
    });
  }

  if (PHASE === 'fail') {
    test('a failing sendmail leaves everything in the form', async () => {
      await login(env('USER_A'), env('PASS_A'));
      await fillForm();
      const r = await submit('#send');
      assert.equal(r.status(), 502);
      assert.match(await page.locator('#sendmail-output').innerText(), /simulated failure/);
      assert.equal(await page.inputValue('#to'), TO);
      assert.equal(await page.inputValue('#bcc'), BCC);
      assert.equal(await page.inputValue('#subject'), SUBJECT);
      assert.match(await page.inputValue('#body'), new RegExp(`this is ${SUBJECT}`));
      assert.equal(await page.locator('#attachments li .att-name').innerText(), attName);
    });
  }
}
