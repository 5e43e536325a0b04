// Reads the frames the shell sends over the video channel; the layout is described in src-tauri/video_channel.rs.

export const HEADER_LEN = 18;
const WIRE_VERSION = 1;

/** The codecs the shell sends (H.264 as Annex B: start codes, parameter sets in the keyframes). */
export type Codec = "vp8" | "h264";

export interface WireFrame {
  // "self" for our own camera, the participant's id as a string for theirs (ids are u64: beyond a JS number's exact
  // range), and "screen:" and the id for a participant's screen share.
  stream: string;
  keyframe: boolean;
  codec: Codec;
  timestampUs: number;
  data: Uint8Array;
}

/** Parses one message; `null` for a message this version cannot read (ignored rather than misdrawn). */
export function readFrame(buffer: ArrayBuffer): WireFrame | null {
  if (buffer.byteLength <= HEADER_LEN) {
    return null;
  }
  const view = new DataView(buffer);
  if (view.getUint8(0) !== WIRE_VERSION) {
    return null;
  }
  const flags = view.getUint8(1);
  const id = view.getBigUint64(2, true).toString();
  return {
    stream: (flags & 2) !== 0 ? "self" : (flags & 4) !== 0 ? screenStream(id) : id,
    keyframe: (flags & 1) !== 0,
    codec: (flags & 8) !== 0 ? "h264" : "vp8",
    timestampUs: Number(view.getBigUint64(10, true)),
    data: new Uint8Array(buffer, HEADER_LEN),
  };
}

/** The stream of a participant's screen share. */
export function screenStream(id: number | string): string {
  return `screen:${id}`;
}
