// Draws each participant's video: one WebCodecs VP8 decoder per stream, painting into that stream's canvas.
//
// WebCodecs decodes in WebKit's media stack at a fraction of the cost of drawing raw pictures (see
// shared/ENVIRONMENT.md). Decoders are created only after `VideoDecoder.isConfigSupported` says yes: creating one
// first crashed WebKit's web process here.

import type { WireFrame } from "./video-wire";

const CODEC = "vp8";

interface Stream {
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
  support: Support = "unknown";

  /** Asks WebKit once whether it decodes VP8; without it the tiles show names only. */
  async probe(): Promise<Support> {
    if (this.support !== "unknown") {
      return this.support;
    }
    try {
      const result = typeof VideoDecoder === "undefined" ? null : await VideoDecoder.isConfigSupported({ codec: CODEC });
      this.support = result?.supported ? "yes" : "no";
    } catch {
      this.support = "no";
    }
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

  push(frame: WireFrame) {
    if (this.support !== "yes") {
      return;
    }
    const stream = this.streams.get(frame.stream) ?? this.open(frame.stream);
    if (stream.waitingForKeyframe && !frame.keyframe) {
      return;
    }
    if (stream.decoder.state === "closed") {
      this.streams.delete(frame.stream);
      return;
    }
    stream.waitingForKeyframe = false;
    stream.decoder.decode(
      new EncodedVideoChunk({ type: frame.keyframe ? "key" : "delta", timestamp: frame.timestampUs, data: frame.data }),
    );
  }

  /** Forgets streams of people who left, and all of them when the call ends. */
  retain(streams: Set<string>) {
    for (const [id, stream] of this.streams) {
      if (!streams.has(id)) {
        if (stream.decoder.state !== "closed") {
          stream.decoder.close();
        }
        this.streams.delete(id);
        this.canvases.delete(id);
      }
    }
  }

  private open(id: string): Stream {
    const stream: Stream = {
      canvas: this.canvases.get(id) ?? null,
      waitingForKeyframe: true,
      framesDrawn: 0,
      decoder: new VideoDecoder({
        output: (picture) => {
          draw(stream, picture);
          picture.close();
        },
        error: () => {
          // The decoder is closed after an error: the next keyframe starts a new one.
          this.streams.delete(id);
        },
      }),
    };
    stream.decoder.configure({ codec: CODEC, optimizeForLatency: true });
    this.streams.set(id, stream);
    return stream;
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
  canvas.dataset.frames = String(stream.framesDrawn);
}
