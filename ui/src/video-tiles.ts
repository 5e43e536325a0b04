// Draws each participant's video: one WebCodecs decoder per stream (VP8 or H.264, as the stream is sent),
// painting into that stream's canvas.
//
// WebCodecs decodes in WebKit's media stack at a fraction of the cost of drawing raw pictures (see
// shared/ENVIRONMENT.md). Decoders are created only after `VideoDecoder.isConfigSupported` says yes: creating one
// first crashed WebKit's web process here. VP8 decodes with any WebKitGTK; H.264 needs GStreamer's libav or
// bad plugins on Linux (the .deb recommends them), and comes with the system's webview on Windows and macOS.

import type { Codec, WireFrame } from "./video-wire";

/** WebCodecs' names. H.264: Constrained Baseline level 3.1, what Palabre and browsers send in calls (a decoder
 * takes any lower profile and level too); no `description`, so frames are read as Annex B. */
const CODEC_STRINGS: Record<Codec, string> = { vp8: "vp8", h264: "avc1.42e01f" };

interface Stream {
  codec: Codec;
  decoder: VideoDecoder;
  canvas: HTMLCanvasElement | null;
  // A delta frame needs the frames before it: after a start or an error, wait for a keyframe.
  waitingForKeyframe: boolean;
  framesDrawn: number;
}

export type Support = "unknown" | "yes" | "no";

export class VideoTiles {
  private streams = new Map<string, Stream>();
  private canvases = new Map<string, HTMLCanvasElement>();
  /** Which codecs this webview decodes; asked once, by `probe`. */
  private decodes: Record<Codec, boolean> = { vp8: false, h264: false };
  /** Streams that arrive in a codec this webview cannot decode, and that codec: the tile says so. */
  private undrawable = new Map<string, Codec>();
  /** Whether the webview decodes VP8, the codec of our own preview: without it, the tiles show names only. */
  support: Support = "unknown";

  /** Asks WebKit once which codecs it decodes. */
  async probe(): Promise<Support> {
    if (this.support !== "unknown") {
      return this.support;
    }
    for (const codec of Object.keys(CODEC_STRINGS) as Codec[]) {
      this.decodes[codec] = await supported(CODEC_STRINGS[codec]);
    }
    this.support = this.decodes.vp8 ? "yes" : "no";
    return this.support;
  }

  /** Where `stream` ("self" or a participant id) is drawn; the call screen gives a canvas per tile. */
  attach(stream: string, canvas: HTMLCanvasElement) {
    this.canvases.set(stream, canvas);
    const existing = this.streams.get(stream);
    if (existing) {
      existing.canvas = canvas;
    }
  }

  framesDrawn(stream: string): number {
    return this.streams.get(stream)?.framesDrawn ?? 0;
  }

  /** The codec `stream` comes in when this webview cannot draw it; null when it can (or nothing came yet). */
  undrawableCodec(stream: string): Codec | null {
    return this.undrawable.get(stream) ?? null;
  }

  push(frame: WireFrame) {
    if (this.support !== "yes") {
      return;
    }
    if (!this.decodes[frame.codec]) {
      this.undrawable.set(frame.stream, frame.codec);
      return;
    }
    this.undrawable.delete(frame.stream);
    let stream = this.streams.get(frame.stream);
    if (stream && (stream.decoder.state === "closed" || stream.codec !== frame.codec)) {
      // Closed after an error, or the sender changed codec: the next keyframe starts a new decoder.
      this.close(frame.stream);
      stream = undefined;
    }
    stream ??= this.open(frame.stream, frame.codec);
    if (stream.waitingForKeyframe && !frame.keyframe) {
      return;
    }
    stream.waitingForKeyframe = false;
    stream.decoder.decode(
      new EncodedVideoChunk({ type: frame.keyframe ? "key" : "delta", timestamp: frame.timestampUs, data: frame.data }),
    );
  }

  /** Forgets streams of people who left, and all of them when the call ends. */
  retain(streams: Set<string>) {
    for (const id of new Set([...this.streams.keys(), ...this.undrawable.keys()])) {
      if (!streams.has(id)) {
        this.close(id);
        this.canvases.delete(id);
        this.undrawable.delete(id);
      }
    }
  }

  private close(id: string) {
    const stream = this.streams.get(id);
    if (stream && stream.decoder.state !== "closed") {
      stream.decoder.close();
    }
    this.streams.delete(id);
  }

  private open(id: string, codec: Codec): Stream {
    const stream: Stream = {
      codec,
      canvas: this.canvases.get(id) ?? null,
      waitingForKeyframe: true,
      framesDrawn: 0,
      decoder: new VideoDecoder({
        output: (picture) => {
          draw(stream, picture);
          picture.close();
        },
        // The decoder is closed after an error; `push` opens a new one.
        error: () => undefined,
      }),
    };
    stream.decoder.configure({ codec: CODEC_STRINGS[codec], optimizeForLatency: true });
    this.streams.set(id, stream);
    return stream;
  }
}

async function supported(codec: string): Promise<boolean> {
  try {
    return typeof VideoDecoder !== "undefined" && ((await VideoDecoder.isConfigSupported({ codec })).supported ?? false);
  } catch {
    return false;
  }
}

function draw(stream: Stream, picture: VideoFrame) {
  const canvas = stream.canvas;
  if (!canvas) {
    return;
  }
  if (canvas.width !== picture.displayWidth || canvas.height !== picture.displayHeight) {
    canvas.width = picture.displayWidth;
    canvas.height = picture.displayHeight;
  }
  canvas.getContext("2d")?.drawImage(picture, 0, 0);
  stream.framesDrawn += 1;
  // For whoever looks at the page (tests, support with the web inspector): what was drawn, and from what.
  canvas.dataset.frames = String(stream.framesDrawn);
  canvas.dataset.codec = stream.codec;
}
