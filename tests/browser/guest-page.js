// A browser guest in a Janus VideoRoom, as a person with only a browser joins: the official janus.js,
// Chromium's fake camera and microphone. It publishes, subscribes to every other publisher with one
// multistream subscription, and exposes what it decoded to the test through `window.palabreGuest`.
import Janus from '/janus.es.js';

const params = new URLSearchParams(location.search);
const server = params.get('janus');
const room = Number(params.get('room'));
const display = params.get('name') || 'Browser guest';
const pin = params.get('pin') || undefined;
// The camera's capture size when the page is given one (janus.js passes an object on as the video constraints).
const camera = params.has('width') && params.has('height')
  ? { width: Number(params.get('width')), height: Number(params.get('height')) }
  : true;

const guest = {
  joined: false,
  errors: [],
  log: [],
  feeds: new Map(), // mid → { feed, display }
  subscriber: null,
  async stats() {
    const result = [];
    const pc = guest.subscriber?.webrtcStuff?.pc;
    if (!pc) return result;
    const report = await pc.getStats();
    report.forEach((s) => {
      if (s.type !== 'inbound-rtp') return;
      const source = guest.feeds.get(s.mid) || {};
      result.push({
        mid: s.mid,
        kind: s.kind,
        feed: source.feed ?? null,
        display: source.display ?? null,
        framesDecoded: s.framesDecoded ?? 0,
        totalSamplesReceived: s.totalSamplesReceived ?? 0,
        packetsReceived: s.packetsReceived ?? 0,
      });
    });
    return result;
  },
};
window.palabreGuest = guest;

function fail(where, error) {
  const text = typeof error === 'string' ? error : error?.message || error?.name || JSON.stringify(error);
  guest.errors.push(`${where}: ${text}`);
}

function rememberStreams(streams) {
  for (const s of streams || []) {
    if (s.mid !== undefined && s.feed_id !== undefined) {
      guest.feeds.set(String(s.mid), { feed: s.feed_id, display: s.feed_display });
    }
  }
}

// One subscription update at a time: a new publisher announced while Janus and the browser are still
// renegotiating the previous one waits for that negotiation to finish.
let negotiating = false;
let waitingStreams = [];

function subscribeTo(janus, publishers) {
  for (const p of publishers) {
    for (const s of p.streams || []) {
      if (s.type === 'audio' || s.type === 'video') waitingStreams.push({ feed: p.id, mid: s.mid });
    }
  }
  if (waitingStreams.length === 0 || negotiating) return;
  const streams = waitingStreams;
  waitingStreams = [];
  negotiating = true;
  if (guest.subscriber) {
    guest.subscriber.send({ message: { request: 'subscribe', streams } });
    return;
  }
  janus.attach({
    plugin: 'janus.plugin.videoroom',
    success(handle) {
      guest.subscriber = handle;
      handle.send({ message: { request: 'join', room, ptype: 'subscriber', streams, pin } });
    },
    error: (e) => fail('attach subscriber', e),
    onmessage(msg, jsep) {
      guest.log.push('sub ' + JSON.stringify(msg).slice(0, 300));
      if (msg.error) {
        fail('subscriber', msg.error);
        negotiating = false;
      }
      rememberStreams(msg.streams);
      if (jsep) {
        guest.subscriber.createAnswer({
          jsep,
          tracks: [{ type: 'data' }],
          success: (answer) => {
            guest.subscriber.send({ message: { request: 'start', room }, jsep: answer });
            negotiating = false;
            subscribeTo(janus, []);
          },
          error: (e) => fail('answer', e),
        });
      }
    },
    onremotetrack(track, mid, on) {
      // Audio is counted as played out: give each remote audio track an element to play in.
      if (!on || track.kind !== 'audio') return;
      const element = document.createElement('audio');
      element.srcObject = new MediaStream([track]);
      element.autoplay = true;
      document.body.append(element);
    },
  });
}

Janus.init({
  debug: false,
  dependencies: Janus.useDefaultDependencies({ adapter: window.adapter }),
  callback() {
    const janus = new Janus({
      server,
      error: (e) => fail('session', e),
      success() {
        let publisher;
        janus.attach({
          plugin: 'janus.plugin.videoroom',
          success(handle) {
            publisher = handle;
            handle.send({ message: { request: 'join', room, ptype: 'publisher', display, pin } });
          },
          error: (e) => fail('attach publisher', e),
          onmessage(msg, jsep) {
            guest.log.push(JSON.stringify(msg).slice(0, 300));
            if (msg.error) fail('publisher', msg.error);
            if (msg.videoroom === 'joined') {
              publisher.createOffer({
                tracks: [
                  { type: 'audio', capture: true, recv: false },
                  { type: 'video', capture: camera, recv: false },
                ],
                success: (offer) => publisher.send({ message: { request: 'configure', audio: true, video: true }, jsep: offer }),
                error: (e) => fail('offer', e),
              });
              subscribeTo(janus, msg.publishers || []);
            } else if (msg.publishers) {
              subscribeTo(janus, msg.publishers);
            }
            if (jsep) publisher.handleRemoteJsep({ jsep });
          },
          webrtcState(up) {
            if (up) {
              guest.joined = true;
              document.getElementById('state').textContent = 'joined';
            }
          },
        });
      },
    });
  },
});
