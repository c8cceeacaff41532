// TLS browser check of postern, run by the Go test TestTLS
// (e2e/tls_test.go) against its mod_ssl Apache: headless Chromium presents
// the client certificate given (playwright's clientCertificates), logs in
// through the form and must reach the message list; the responses carry
// Strict-Transport-Security. Exits non-zero on failure.

import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { CHROMIUM, chromiumArgs } from './chromium.mjs';

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run through go test ./e2e -run TestTLS`);
  return v;
}

const BASE = need('BASE_URL');
const origin = new URL(BASE).origin;
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: [...chromiumArgs],
});
try {
  const ctx = await browser.newContext({
    ignoreHTTPSErrors: true, // the test CA is not in Chromium's store
    clientCertificates: [{ origin, certPath: need('CLIENT_CERT'), keyPath: need('CLIENT_KEY') }],
  });
  const page = await ctx.newPage();
  const res = await page.goto(`${BASE}/`);
  assert.equal(res.status(), 200);
  assert.match(res.headers()['strict-transport-security'] || '', /max-age=\d+/);
  assert.equal(await page.locator('#need-https').count(), 0);
  await page.fill('form#login input[name=user]', need('USER_A'));
  await page.fill('form#login input[name=pass]', need('PASS_A'));
  await Promise.all([page.waitForURL(/\/list\?/), page.click('form#login button[type=submit]')]);
  assert.equal(await page.locator('table#messages').count(), 1, `no message list at ${page.url()}`);
  console.log('ok: TLS login with a client certificate in Chromium');
} finally {
  await browser.close();
}
