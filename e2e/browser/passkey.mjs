// Passkeys in headless Chromium with its virtual authenticators (the
// DevTools protocol's WebAuthn domain), through the real CGI: register,
// second factor with and without user verification, resident and
// non-resident keys, a replayed assertion, a counter that goes
// backwards, a wrong origin, removal, and JavaScript off. Run by
// TestPasskeyBrowser (e2e/passkey_test.go), which checks the audit log,
// the history and the files on disk afterwards.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, chromiumArgs } from './chromium.mjs';

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run through go test ./e2e -run TestPasskeyBrowser`);
  return v;
}

const BASE = need('BASE_URL');        // http://localhost:PORT/cgi-bin/postern
const EVIL = need('EVIL_URL');        // the same server as http://evil.localhost:PORT: not an allowed origin
const USER = need('USER_A');
const PASS = need('PASS_A');
const PASSWORDLESS = process.env.PASSWORDLESS === '1';

let browser;
let ctx;
let dataDir;

const launchArgs = [...chromiumArgs,
  '--host-resolver-rules=MAP localhost 127.0.0.1, MAP evil.localhost 127.0.0.1'];

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'postern-chromium-'));
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: launchArgs });
  ctx = await browser.newContext();
  ctx.setDefaultTimeout(15000);
});

after(async () => {
  await browser?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

// authenticator opens page p's WebAuthn domain and adds a virtual
// authenticator with the options o; it returns the CDP session and id.
async function authenticator(p, o) {
  const cdp = await ctx.newCDPSession(p);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { automaticPresenceSimulation: true, ...o },
  });
  return { cdp, id: authenticatorId };
}

async function submit(p, selector) {
  const [response] = await Promise.all([
    p.waitForNavigation({ waitUntil: 'load' }),
    p.click(selector),
  ]);
  return response;
}

async function describe(p, response) {
  const text = (await p.locator('body').innerText().catch(() => '')).slice(0, 400);
  return `${response ? response.status() : '?'} ${p.url()}: ${JSON.stringify(text)}`;
}

// passwordStep logs in with the password on p (at base) and returns the
// response; the page is then the inbox or the second step.
async function passwordStep(p, base = BASE) {
  await p.goto(`${base}/`);
  await p.fill('form#login input[name=user]', USER);
  await p.fill('form#login input[name=pass]', PASS);
  return submit(p, 'form#login button[type=submit]');
}

async function logout(p) {
  await submit(p, 'form#logout button[type=submit]');
}

async function atInbox(p, response, what) {
  assert.match(p.url(), /\/list\?f=INBOX/, `${what}: ${await describe(p, response)}`);
}

// useStep clicks "Use your passkey" on the second step and returns the
// response of the page it leads to.
async function useStep(p) {
  await p.locator('#passkey-use').waitFor({ state: 'visible' });
  return submit(p, '#passkey-use');
}

let pageA, pageB, authA, authB;
let ok = true;
const timings = {};
let captured; // the body of a /passkey-step POST, for the replay
const ROUNDS = 5; // timed logins of each kind, after one untimed

// timed runs login (on a page at the login form, leaving it at the
// inbox) ROUNDS+1 times with a logout between, and returns the median
// of the last ROUNDS, in milliseconds.
async function timed(p, login) {
  const ms = [];
  for (let i = 0; i <= ROUNDS; i++) {
    await p.goto(`${BASE}/`);
    const t0 = performance.now();
    await login();
    await p.locator('table#messages').waitFor();
    if (i > 0) ms.push(performance.now() - t0);
    await logout(p);
  }
  ms.sort((a, b) => a - b);
  return ms[Math.floor(ms.length / 2)];
}

function guard(t) {
  if (!ok) { t.skip('an earlier step failed'); return false; }
  return true;
}

test('a password login without a passkey goes straight to the inbox', async () => {
  pageA = await ctx.newPage();
  authA = await authenticator(pageA, {
    protocol: 'ctap2', transport: 'internal', hasResidentKey: true,
    hasUserVerification: true, isUserVerified: true,
  });
  const r = await passwordStep(pageA);
  await atInbox(pageA, r, 'password login');
  await logout(pageA);
  timings.password = await timed(pageA, () => passwordStep(pageA));
  await passwordStep(pageA);
});

test('register a passkey with user verification (resident key, platform authenticator)', async (t) => {
  if (!guard(t)) return;
  try {
    await pageA.goto(`${BASE}/security`);
    await pageA.fill('#passkey-name', 'laptop');
    await pageA.locator('#passkey-create').waitFor({ state: 'visible' });
    const r = await submit(pageA, '#passkey-create');
    const body = await describe(pageA, r);
    assert.ok(body.includes('was added'), `after registering: ${body}`);
    const row = pageA.locator('#passkey-list tr.passkey', { hasText: 'laptop' });
    assert.equal(await row.count(), 1, `no row for laptop: ${body}`);
    const text = await row.innerText();
    assert.ok(text.includes('never'), 'a new passkey was never used');
    assert.match(text, /internal/, 'the platform authenticator\'s transport is shown');
    assert.match(text, /PIN or biometric/, 'user verification is shown');
    const { credentials } = await authA.cdp.send('WebAuthn.getCredentials', { authenticatorId: authA.id });
    assert.equal(credentials.length, 1, 'the virtual authenticator holds one credential');
    assert.equal(credentials[0].isResidentCredential, true, 'discoverable credential on the platform authenticator');
    await logout(pageA);
  } catch (e) { ok = false; throw e; }
});

test('second factor with user verification: password, then the passkey', async (t) => {
  if (!guard(t)) return;
  try {
    let r = await passwordStep(pageA);
    assert.match(pageA.url(), /\/totp-login$/, `after the password: ${await describe(pageA, r)}`);
    r = await useStep(pageA);
    await atInbox(pageA, r, 'after the passkey');
    await logout(pageA);
    timings.passkey = await timed(pageA, async () => { await passwordStep(pageA); await useStep(pageA); });
    await passwordStep(pageA);
    await useStep(pageA);
  } catch (e) { ok = false; throw e; }
});

test('register a security key without user verification (non-resident)', async (t) => {
  if (!guard(t)) return;
  try {
    pageB = await ctx.newPage(); // same cookies: the session of page A
    authB = await authenticator(pageB, {
      protocol: 'ctap2', transport: 'usb', hasResidentKey: false,
      hasUserVerification: false,
    });
    await pageB.goto(`${BASE}/security`);
    await pageB.fill('#passkey-name', 'blue key');
    await pageB.locator('#passkey-create').waitFor({ state: 'visible' });
    const r = await submit(pageB, '#passkey-create');
    assert.ok((await describe(pageB, r)).includes('was added'), `after registering: ${await describe(pageB, r)}`);
    assert.equal(await pageB.locator('#passkey-list tr.passkey').count(), 2, 'two passkeys listed');
    const blue = await pageB.locator('#passkey-list tr.passkey', { hasText: 'blue key' }).innerText();
    assert.match(blue, /usb/, 'the security key\'s transport is shown');
    assert.doesNotMatch(blue, /PIN or biometric/, 'no user verification on the security key');
    const laptop = pageB.locator('#passkey-list tr.passkey', { hasText: 'laptop' });
    assert.ok(!(await laptop.innerText()).includes('never'), 'laptop shows when it was last used');
    const { credentials } = await authB.cdp.send('WebAuthn.getCredentials', { authenticatorId: authB.id });
    assert.equal(credentials.length, 1);
    assert.equal(credentials[0].isResidentCredential, false, 'a non-resident credential on the security key');
    await logout(pageB);
  } catch (e) { ok = false; throw e; }
});

test('second factor without user verification (security key)', async (t) => {
  if (!guard(t)) return;
  try {
    let r = await passwordStep(pageB);
    assert.match(pageB.url(), /\/totp-login$/, `after the password: ${await describe(pageB, r)}`);
    pageB.on('request', (req) => {
      if (req.method() === 'POST' && req.url().endsWith('/passkey-step')) captured = req.postData();
    });
    r = await useStep(pageB);
    await atInbox(pageB, r, 'after the security key');
    assert.ok(captured, 'the assertion was posted');
    await logout(pageB);
  } catch (e) { ok = false; throw e; }
});

test('a replayed assertion is refused', async (t) => {
  if (!guard(t)) return;
  let r = await passwordStep(pageB);
  assert.match(pageB.url(), /\/totp-login$/, `after the password: ${await describe(pageB, r)}`);
  // The captured credential, posted again with this session's token.
  const cred = new URLSearchParams(captured).get('credential');
  await pageB.evaluate((c) => { document.querySelector('#passkey-login input[name=credential]').value = c; }, cred);
  r = await Promise.all([pageB.waitForNavigation(), pageB.evaluate(() => document.getElementById('passkey-login').submit())]).then((x) => x[0]);
  assert.equal(r.status(), 401, `replay: ${await describe(pageB, r)}`);
  assert.equal(await pageB.locator('#passkey-failed').count(), 1, `replay: ${await describe(pageB, r)}`);
  assert.ok(!pageB.url().includes('/list'), 'the replay did not log in');
});

test('another origin: the browser will not sign for it, and the server refuses a forged one', async (t) => {
  if (!guard(t)) return;
  // At evil.localhost the browser refuses to use a credential of the
  // relying party "localhost" for this page: nothing is posted.
  const pageE = await ctx.newPage();
  const authE = await authenticator(pageE, {
    protocol: 'ctap2', transport: 'internal', hasResidentKey: true,
    hasUserVerification: true, isUserVerified: true,
  });
  const { credentials } = await authA.cdp.send('WebAuthn.getCredentials', { authenticatorId: authA.id });
  await authE.cdp.send('WebAuthn.addCredential', { authenticatorId: authE.id, credential: credentials[0] });
  let posted = false;
  pageE.on('request', (req) => { if (req.method() === 'POST' && req.url().endsWith('/passkey-step')) posted = true; });
  let r = await passwordStep(pageE, EVIL);
  assert.match(pageE.url(), /\/totp-login$/, `after the password at evil.localhost: ${await describe(pageE, r)}`);
  await pageE.locator('#passkey-use').waitFor({ state: 'visible' });
  await pageE.click('#passkey-use');
  await pageE.locator('#passkey-status', { hasText: 'not used' }).waitFor();
  assert.equal(posted, false, 'no assertion was posted from another origin');
  await pageE.close();

  // A client that signs anyway for another origin (a forged
  // clientDataJSON naming evil.localhost, on this session's challenge):
  // the server refuses the origin.
  await pageB.goto(`${BASE}/totp-login`);
  const opts = JSON.parse(await pageB.getAttribute('#passkey-use', 'data-options'));
  const cred = JSON.parse(new URLSearchParams(captured).get('credential'));
  const evilOrigin = new URL(EVIL).origin;
  cred.response.clientDataJSON = Buffer.from(JSON.stringify({
    type: 'webauthn.get', challenge: opts.challenge, origin: evilOrigin, crossOrigin: false,
  })).toString('base64url');
  await pageB.evaluate((c) => { document.querySelector('#passkey-login input[name=credential]').value = c; }, JSON.stringify(cred));
  r = await Promise.all([pageB.waitForNavigation(), pageB.evaluate(() => document.getElementById('passkey-login').submit())]).then((x) => x[0]);
  assert.equal(r.status(), 401, `forged origin: ${await describe(pageB, r)}`);
  assert.equal(await pageB.locator('#passkey-failed').count(), 1, `forged origin: ${await describe(pageB, r)}`);
});

test('a counter that goes backwards is refused and flagged', async (t) => {
  if (!guard(t)) return;
  // The security key forgets its counter, as a clone would not know it.
  const { credentials } = await authB.cdp.send('WebAuthn.getCredentials', { authenticatorId: authB.id });
  const c = credentials[0];
  assert.ok(c.signCount >= 2, `signCount ${c.signCount} after two uses`);
  await authB.cdp.send('WebAuthn.removeCredential', { authenticatorId: authB.id, credentialId: c.credentialId });
  await authB.cdp.send('WebAuthn.addCredential', { authenticatorId: authB.id, credential: { ...c, signCount: 0 } });
  await pageB.goto(`${BASE}/totp-login`);
  let r = await useStep(pageB);
  assert.equal(r.status(), 401, `cloned: ${await describe(pageB, r)}`);
  const why = await pageB.locator('#passkey-failed').innerText();
  assert.match(why, /counter went backwards/, 'the page says why');
  // The laptop still works (page A shares the pending session).
  await pageA.goto(`${BASE}/totp-login`);
  r = await useStep(pageA);
  await atInbox(pageA, r, 'the laptop after the clone');
  await pageA.goto(`${BASE}/security`);
  const blue = pageA.locator('#passkey-list tr.passkey', { hasText: 'blue key' });
  assert.match(await blue.innerText(), /counter went backwards/, 'the Security page warns');
  const hist = await pageA.locator('#history-list').innerText();
  assert.match(hist, /passkey counter went backwards/, 'the history records it');
  assert.match(hist, /wrong passkey/, 'the history records the refused assertions');
  assert.match(hist, /password\+passkey/, 'the history records the factor');
});

test('remove a passkey', async (t) => {
  if (!guard(t)) return;
  const row = pageA.locator('#passkey-list tr.passkey', { hasText: 'blue key' });
  const r = await submit(pageA, '#passkey-list tr.passkey:has-text("blue key") button[type=submit]');
  assert.ok((await describe(pageA, r)).includes('was removed'), await describe(pageA, r));
  assert.equal(await row.count(), 0, 'blue key is gone');
  assert.equal(await pageA.locator('#passkey-list tr.passkey').count(), 1, 'laptop stays');
  await logout(pageA);
});

test('passwordless: log in with the discoverable passkey alone (user verification)', async (t) => {
  if (!guard(t)) return;
  if (!PASSWORDLESS) return t.skip('webauthn_passwordless is off');
  await pageA.goto(`${BASE}/`);
  let body, last;
  pageA.on('request', (req) => {
    if (req.method() === 'POST' && req.url().endsWith('/passkey-login')) { body = req.postData(); last = req; }
  });
  await pageA.locator('#passkey-signin').waitFor({ state: 'visible' });
  let r = await submit(pageA, '#passkey-signin');
  await atInbox(pageA, r, 'passwordless login');
  await logout(pageA);
  timings.passwordless = await timed(pageA, async () => {
    await pageA.locator('#passkey-signin').waitFor({ state: 'visible' });
    await submit(pageA, '#passkey-signin');
  });
  await pageA.goto(`${BASE}/`);
  await pageA.locator('#passkey-signin').waitFor({ state: 'visible' });
  await submit(pageA, '#passkey-signin');
  await pageA.goto(`${BASE}/security`);
  assert.match(await pageA.locator('#history-list').innerText(), /login \(passkey\)/, 'the history records a passkey-only login');
  await logout(pageA);

  // The same answer again, with the same challenge cookie (HttpOnly: put
  // back by the test, as an attacker who copied the request would): the
  // root room took that challenge already.
  const m = /postern-pk=([0-9a-f]+)/.exec((await last.allHeaders()).cookie || '');
  assert.ok(m, 'the passwordless POST carried the challenge cookie');
  await pageA.goto(`${BASE}/`);
  await ctx.addCookies([{ name: 'postern-pk', value: m[1], domain: 'localhost', path: new URL(BASE).pathname, httpOnly: true, sameSite: 'Strict' }]);
  const params = new URLSearchParams(body);
  await pageA.evaluate(([c, h]) => {
    const f = document.getElementById('passkey-passwordless');
    f.elements.credential.value = c; f.elements.handle.value = h;
  }, [params.get('credential'), params.get('handle')]);
  r = await Promise.all([pageA.waitForNavigation(), pageA.evaluate(() => document.getElementById('passkey-passwordless').submit())]).then((x) => x[0]);
  assert.equal(r.status(), 401, `passwordless replay: ${await describe(pageA, r)}`);
  assert.equal(await pageA.locator('#passkey-failed').count(), 1, `passwordless replay: ${await describe(pageA, r)}`);
});

test('passwordless: an authenticator that cannot verify its user is not enough', async (t) => {
  if (!guard(t)) return;
  if (!PASSWORDLESS) return t.skip('webauthn_passwordless is off');
  const pageN = await ctx.newPage();
  const authN = await authenticator(pageN, {
    protocol: 'ctap2', transport: 'internal', hasResidentKey: true,
    hasUserVerification: true, isUserVerified: false,
  });
  const { credentials } = await authA.cdp.send('WebAuthn.getCredentials', { authenticatorId: authA.id });
  await authN.cdp.send('WebAuthn.addCredential', { authenticatorId: authN.id, credential: credentials[0] });
  let posted = false;
  pageN.on('request', (req) => { if (req.method() === 'POST' && req.url().endsWith('/passkey-login')) posted = true; });
  await pageN.goto(`${BASE}/`);
  await pageN.locator('#passkey-signin').waitFor({ state: 'visible' });
  await pageN.click('#passkey-signin');
  await pageN.locator('#passkey-signin-status', { hasText: 'not used' }).waitFor();
  assert.equal(posted, false, 'no assertion without user verification');
  assert.ok(!pageN.url().includes('/list'), 'not logged in');
  await pageN.close();
});

test('with JavaScript off, the second step says a passkey needs it', async (t) => {
  if (!guard(t)) return;
  const noJS = await browser.newContext({ javaScriptEnabled: false });
  try {
    const p = await noJS.newPage();
    const r = await passwordStep(p);
    assert.match(p.url(), /\/totp-login$/, `after the password: ${await describe(p, r)}`);
    const msg = await p.locator('#passkey-noscript').innerText();
    assert.match(msg, /cannot log in without JavaScript/);
    assert.equal(await p.locator('#passkey-use').isVisible(), false, 'no passkey button without JavaScript');
    if (PASSWORDLESS) {
      await submit(p, 'form#logout button[type=submit]'); // Cancel: the pending session ends
      await p.goto(`${BASE}/`);
      assert.match(await p.locator('#passkey-signin-noscript').innerText(), /needs JavaScript/);
      assert.equal(await p.locator('#passkey-signin').isVisible(), false, 'no passwordless button without JavaScript');
      assert.equal(await p.locator('form#login').count(), 1, 'the password form works without JavaScript');
    }
  } finally { await noJS.close(); }
});

test('timings', async () => {
  console.log(`TIMING median of ${ROUNDS} logins, from the login form to the inbox shown: password only ${timings.password?.toFixed(0)} ms; password + passkey ${timings.passkey?.toFixed(0)} ms; passkey alone (passwordless) ${timings.passwordless?.toFixed(0)} ms`);
});
