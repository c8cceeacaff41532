// Browser tests of signed and encrypted mail (issue 17), run by the Go
// test TestCryptoBrowser (e2e/crypto_browser_test.go): the signature's
// status appears in its frame on the message page without a click, and
// is the right one for a good signature (From matching), a bad one, an
// unknown key (its key id), a revoked key and a signed part beside
// unsigned text (which part); a wrong passphrase is refused, the right
// one decrypts; a
// decrypted HTML part appears in its own sandboxed frame, its remote
// image blocked (no request leaves for another host), apart from the
// message's unencrypted HTML; no CSP violation anywhere. Not a
// *.test.mjs: TestBrowser does not run it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, chromiumArgs } from './chromium.mjs';

const env = (n) => { const v = process.env[n]; if (!v) throw new Error(`${n} is not set`); return v; };
const BASE = env('BASE_URL');
const TAG = env('TAG');
const ORIGIN = new URL(BASE).origin;

let ctx, dataDir, page;
const cspErrors = [];
const foreign = [];
before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'postern-chromium-'));
  ctx = await chromium.launchPersistentContext(dataDir, {
    executablePath: CHROMIUM, headless: true,
    args: [...chromiumArgs],
  });
  ctx.setDefaultTimeout(15000);
  page = ctx.pages()[0] ?? await ctx.newPage();
  ctx.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) cspErrors.push(m.text()); });
  ctx.on('request', (r) => { if (!r.url().startsWith(ORIGIN) && !r.url().startsWith('data:') && r.url() !== 'about:srcdoc' && r.url() !== 'about:blank') foreign.push(r.url()); });
  await page.goto(`${BASE}/`);
  await page.fill('form#login input[name=user]', env('USER_A'));
  await page.fill('form#login input[name=pass]', env('PASS_A'));
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('form#login button[type=submit]')]);
  assert.equal(await page.locator('table#messages').count(), 1, `login: ${page.url()}`);
});
after(async () => {
  await ctx?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

test('the signature status appears without a click', async () => {
  await page.goto(`${BASE}/msg?f=INBOX&id=${encodeURIComponent(env('SIGNED_ID'))}`, { waitUntil: 'load' });
  const frame = page.frameLocator('div.crypto iframe.verify-frame');
  const status = frame.locator('#verify-frame div.crypto');
  await status.waitFor();
  assert.equal(await status.getAttribute('data-state'), 'good');
  assert.match(await status.innerText(), /Good signature by Alice <alice@example\.org>/);
  // The frame is sandboxed: no script, an opaque origin.
  assert.equal(await page.locator('iframe.verify-frame').getAttribute('sandbox'), '');
  assert.deepEqual(cspErrors, []);
});

// frameStatus opens the message id and returns its one note's part, and
// the state and text that its signature frame shows.
async function frameStatus(id) {
  await page.goto(`${BASE}/msg?f=INBOX&id=${encodeURIComponent(id)}`, { waitUntil: 'load' });
  assert.equal(await page.locator('div.crypto iframe.verify-frame').count(), 1, `one signature frame on ${id}`);
  const status = page.frameLocator('div.crypto iframe.verify-frame').locator('#verify-frame div.crypto');
  await status.waitFor();
  return {
    part: await page.locator('div.crypto').first().getAttribute('data-part'),
    state: await status.getAttribute('data-state'),
    text: await status.innerText(),
  };
}

test('each kind of signature shows its own status in its frame', async () => {
  let s = await frameStatus(env('SIGNED_ID'));
  assert.equal(s.state, 'good');
  assert.match(s.text, /This message is signed \(OpenPGP\)\.\s+Good signature by Alice <alice@example\.org>/);
  assert.match(s.text, /\(the sender's address\)/, 'the signer\'s address is the From address');

  s = await frameStatus(env('BAD_ID'));
  assert.equal(s.state, 'bad');
  assert.match(s.text, /BAD signature/);
  assert.doesNotMatch(s.text, /Good signature/);

  s = await frameStatus(env('UNKNOWN_ID'));
  assert.equal(s.state, 'unknown-key');
  assert.match(s.text, new RegExp(`Signed with a key you do not have \\(key id ${env('UNKNOWN_KEYID')}\\)`));

  s = await frameStatus(env('REVOKED_ID'));
  assert.equal(s.state, 'revoked');
  assert.match(s.text, /Signature by a REVOKED key by Dave <dave@example\.org>/);
  assert.match(s.text, new RegExp(`fingerprint ${env('REVOKED_FPR')}`));
  assert.doesNotMatch(s.text, /Good signature/);

  s = await frameStatus(env('PARTIAL_ID'));
  assert.equal(s.part, '2.1');
  assert.equal(s.state, 'good');
  assert.match(s.text, /^✍ Part 2\.1 of this message is signed \(OpenPGP\); the rest of the message is not\.\s+Good signature/);
  assert.doesNotMatch(s.text, /This message is signed/);
  // The note stands next to part 2.1, not before the unsigned text.
  const order = await page.evaluate(() => {
    const note = document.querySelector('div.crypto[data-part="2.1"]');
    const body = document.querySelector('#msg-body') || document.body;
    const t = body.innerText;
    return { unsigned: t.indexOf('unsigned words'), signed: t.indexOf('signed in the browser'), note: !!note };
  });
  assert.ok(order.note && order.unsigned >= 0 && order.signed > order.unsigned, `partial page: ${JSON.stringify(order)}`);
  assert.deepEqual(cspErrors, []);
});

test('a wrong passphrase is refused, then the right one decrypts', async () => {
  await page.goto(`${BASE}/msg?f=INBOX&id=${encodeURIComponent(env('ENC_ID'))}`, { waitUntil: 'load' });
  await page.fill('form.decrypt input[name=passphrase]', 'not the passphrase');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('form.decrypt button[type=submit]')]);
  assert.equal(await page.locator('div.crypto.encrypted').first().getAttribute('data-state'), 'wrong-passphrase');
  assert.match(await page.locator('form.decrypt p.error').innerText(), /That passphrase did not unlock the key/);
  assert.ok(!(await page.content()).includes(`secret plain ${TAG}`), 'decrypted text shown after a wrong passphrase');
  assert.equal(await page.locator('iframe.htmlmail.decrypted').count(), 0);
  assert.deepEqual(cspErrors, []);
});

test('decrypted HTML is framed apart, remote content blocked', async () => {
  await page.goto(`${BASE}/msg?f=INBOX&id=${encodeURIComponent(env('ENC_ID'))}`, { waitUntil: 'load' });
  assert.ok(!(await page.content()).includes(`secret plain ${TAG}`), 'the page shows decrypted text before decryption');
  await page.fill('form.decrypt input[name=passphrase]', env('PASSPHRASE'));
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('form.decrypt button[type=submit]')]);
  const dec = page.locator('iframe.htmlmail.decrypted');
  assert.equal(await dec.count(), 1, 'one frame of decrypted HTML');
  assert.equal(await dec.getAttribute('sandbox'), '', 'an empty sandbox');
  const body = page.frameLocator('iframe.htmlmail.decrypted').locator('body');
  await body.waitFor();
  const decText = await body.innerText();
  assert.match(decText, new RegExp(`secret html ${TAG}`));
  assert.ok(!decText.includes(`clear html ${TAG}`), 'the clear part is merged into the decrypted frame');
  assert.equal(await page.frameLocator('iframe.htmlmail.decrypted').locator('img[src*="tracker"]').count(), 0, 'the remote image is still there');
  // The decrypted HTML is not in the page's own document, and the clear
  // part's frame has none of it.
  assert.equal(await page.locator('#secret-bold').count(), 0, 'decrypted HTML merged into the page');
  const clear = page.locator('iframe.htmlmail:not(.decrypted)');
  if (await clear.count() > 0) {
    const clearText = await page.frameLocator('iframe.htmlmail:not(.decrypted)').first().locator('body').innerText();
    assert.match(clearText, new RegExp(`clear html ${TAG}`));
    assert.ok(!clearText.includes(`secret`), 'decrypted text in the clear part\'s frame');
  } else {
    assert.match(await page.locator('#msg-body').innerText(), new RegExp(`clear html ${TAG}`));
  }
  await page.waitForTimeout(300);
  assert.deepEqual(foreign, [], 'requests to other hosts');
  assert.deepEqual(cspErrors, []);
});

test('the Keys page: import a pasted key, delete it after the question, make a key pair', async () => {
  await page.goto(`${BASE}/keys`, { waitUntil: 'load' });
  assert.equal(await page.locator('#own-keys li.key').count(), 1, 'Alice\'s own key is listed');
  await page.fill('#keys-armor', env('KEY_ARMOR'));
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#import-key')]);
  assert.match(await page.locator('#keys-imported').innerText(), new RegExp(env('KEY_FPR')));
  const row = page.locator(`#other-keys li.key[data-fpr="${env('KEY_FPR')}"]`);
  assert.equal(await row.count(), 1, 'the imported key is listed');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), row.locator('button.delete-key').click()]);
  assert.equal(await page.locator('form#keys-confirm').count(), 1, 'a question before the delete');
  assert.equal(await page.locator(`#other-keys li.key[data-fpr="${env('KEY_FPR')}"]`).count(), 1, 'deleted before the answer');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#confirm-delete')]);
  assert.equal(await page.locator(`li.key[data-fpr="${env('KEY_FPR')}"]`).count(), 0, 'still listed after the delete');
  await page.fill('#gen-name', `Browser ${TAG}`);
  await page.fill('#gen-pass', 'gen pass');
  await page.fill('#gen-pass2', 'gen pass');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#generate-key')]);
  assert.match(await page.locator('#own-keys').innerText(), new RegExp(`Browser ${TAG}`));
  assert.equal(await page.locator('#own-keys li.key').count(), 2);
  assert.deepEqual(cspErrors, []);
});
