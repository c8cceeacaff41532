// chromium.mjs - how every browser test starts Chromium: Debian's
// binary (never a downloaded one) and the one set of flags the project's
// tests use. Without the background-networking flags Chromium keeps
// trying hosts this machine cannot reach; headless and no sandbox because
// the tests run as root. Each test passes a fresh user data directory
// (launchPersistentContext) or lets launch make a temporary one.

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export const chromiumArgs = Object.freeze([
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
]);
