// Runs one browser guest: headless Chromium (Debian's) on guest.html, joined to a Janus room for a while, then
// prints one JSON line on stdout: when it joined, what it decoded from each remote stream, and any errors.
//
//   node guest.mjs --janus ws://127.0.0.1:8188 --room 1234 --name "Invitée (navigateur)" --seconds 10 [--pin P]
//                  [--size 640x360] [--fps 30]
//
// --size asks the fake camera for that capture size (janus.js video capture constraints); --fps sets the fake
// camera's frame rate (Chromium's own default is 20). The JSON's first_video_ms is the time from this process's
// start to the first 100 ms sample in which any remote video stream had a frame decoded (null if none did).
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
    size: { type: 'string' },
    fps: { type: 'string' },
  },
});
if (!args.janus || !args.room) {
  console.error(
    'usage: node guest.mjs --janus ws://HOST:PORT --room ROOM_ID [--name NAME] [--seconds N] [--pin PIN] [--size WxH] [--fps N]',
  );
  process.exit(2);
}
const size = args.size?.match(/^(\d+)x(\d+)$/);
if (args.size && !size) {
  console.error(`browser guest: --size expects WIDTHxHEIGHT, for example 640x360, not ${args.size}`);
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
    args.fps ? `--use-fake-device-for-media-stream=fps=${Number(args.fps)}` : '--use-fake-device-for-media-stream',
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
  if (size) {
    query.set('width', size[1]);
    query.set('height', size[2]);
  }
  await page.goto(`http://127.0.0.1:${server.address().port}/?${query}`);
  // From now on, every 100 ms until it happens: has any remote video stream decoded a frame yet?
  let firstVideoMs = null;
  let stopWatching = false;
  const watchFirstVideo = (async () => {
    while (firstVideoMs === null && !stopWatching) {
      const streams = await page.evaluate(() => window.palabreGuest?.stats() ?? []).catch(() => []);
      if (streams.some((s) => s.kind === 'video' && s.framesDecoded > 0)) {
        firstVideoMs = Math.round(performance.now()); // performance.now() counts from this process's start
      } else {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  })();
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
  stopWatching = true;
  await watchFirstVideo;
  const errors = await page.evaluate(() => window.palabreGuest.errors);
  if (process.env.GUEST_DEBUG) console.error((await page.evaluate(() => window.palabreGuest.log)).join('\n'));
  console.log(JSON.stringify({ joined_ms: joinedMs, first_video_ms: firstVideoMs, remotes: [...remotes.values()], errors }));
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
