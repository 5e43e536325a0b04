// Runs one browser guest: headless Chromium (Debian's) on guest.html, joined to a Janus room for a while, then
// prints one JSON line on stdout: when it joined, what it decoded from each remote stream, and any errors.
//
//   node guest.mjs --janus ws://127.0.0.1:8188 --room 1234 --name "Invitée (navigateur)" --seconds 10 [--pin P]
//
// Exit code 0 when it joined; 1 with a one-line reason on stderr otherwise.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const started = Date.now();
const { values: args } = parseArgs({
  options: {
    janus: { type: 'string' },
    room: { type: 'string' },
    name: { type: 'string', default: 'Browser guest' },
    seconds: { type: 'string', default: '10' },
    pin: { type: 'string' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
if (!args.janus || !args.room) {
  console.error('usage: node guest.mjs --janus ws://HOST:PORT --room ROOM_ID [--name NAME] [--seconds N] [--pin PIN]');
  process.exit(2);
}

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const files = {
  '/': ['guest.html', 'text/html'],
  '/guest-page.js': ['guest-page.js', 'text/javascript'],
  '/janus.es.js': ['node_modules/janus-gateway/npm/dist/janus.es.js', 'text/javascript'],
  '/adapter.js': ['node_modules/webrtc-adapter/out/adapter.js', 'text/javascript'],
};
const server = http.createServer(async (request, response) => {
  const [file, type] = files[new URL(request.url, 'http://x').pathname] || [];
  if (!file) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-type': type }).end(await readFile(here(file)));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

const browser = await chromium.launch({
  executablePath: args.chromium,
  headless: true,
  args: [
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    '--autoplay-policy=no-user-gesture-required',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
let exitCode = 0;
try {
  const page = await browser.newPage();
  const query = new URLSearchParams({ janus: args.janus, room: args.room, name: args.name });
  if (args.pin) query.set('pin', args.pin);
  await page.goto(`http://127.0.0.1:${server.address().port}/?${query}`);
  await page.waitForFunction(() => window.palabreGuest?.joined || window.palabreGuest?.errors.length, null, {
    timeout: 20_000,
  });
  const joinedMs = Date.now() - started;
  // Inbound stats vanish when their publisher leaves: sample every second and keep the highest counts.
  const remotes = new Map();
  const deadline = Date.now() + Number(args.seconds) * 1000;
  while (Date.now() < deadline) {
    await page.waitForTimeout(Math.min(1000, Math.max(0, deadline - Date.now())));
    for (const stream of await page.evaluate(() => window.palabreGuest.stats())) {
      const key = `${stream.feed}/${stream.kind}`;
      const seen = remotes.get(key);
      if (!seen || stream.packetsReceived >= seen.packetsReceived) remotes.set(key, stream);
    }
  }
  const errors = await page.evaluate(() => window.palabreGuest.errors);
  if (process.env.GUEST_DEBUG) console.error((await page.evaluate(() => window.palabreGuest.log)).join('\n'));
  console.log(JSON.stringify({ joined_ms: joinedMs, remotes: [...remotes.values()], errors }));
  if (errors.length) {
    console.error(`browser guest: ${errors[0]}`);
    exitCode = 1;
  }
} catch (error) {
  console.error(`browser guest: ${error.message.split('\n')[0]}`);
  exitCode = 1;
} finally {
  await browser.close();
  server.close();
}
process.exit(exitCode);
