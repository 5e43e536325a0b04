// Reads the frames the shell sends over the video channel; the layout is described in src-tauri/video_channel.rs.

export const HEADER_LEN = 18;
const WIRE_VERSION = 1;

export interface WireFrame {
  // "self" for our own camera, else the participant's id as a string (ids are u64: beyond a JS number's exact range).
  stream: string;
  keyframe: boolean;
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
  const local = (flags & 2) !== 0;
  return {
    stream: local ? "self" : view.getBigUint64(2, true).toString(),
    keyframe: (flags & 1) !== 0,
    timestampUs: Number(view.getBigUint64(10, true)),
    data: new Uint8Array(buffer, HEADER_LEN),
  };
}
