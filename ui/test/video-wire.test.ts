import { describe, expect, it } from "vitest";

import { HEADER_LEN, readFrame } from "../src/video-wire";

// The bytes src-tauri/video_channel.rs's own test builds: a remote keyframe from participant 0x0102.
const REMOTE_KEYFRAME = [1, 1, 0x02, 0x01, 0, 0, 0, 0, 0, 0, 0x0b, 0x0a, 0, 0, 0, 0, 0, 0, 0xaa, 0xbb];

describe("readFrame", () => {
  it("reads the header the shell writes", () => {
    const frame = readFrame(new Uint8Array(REMOTE_KEYFRAME).buffer)!;
    expect(frame.stream).toBe("258");
    expect(frame.keyframe).toBe(true);
    expect(frame.codec).toBe("vp8");
    expect(frame.timestampUs).toBe(0x0a0b);
    expect([...frame.data]).toEqual([0xaa, 0xbb]);
  });

  it("names our own camera 'self'", () => {
    const bytes = new Uint8Array(REMOTE_KEYFRAME);
    bytes[1] = 2;
    const frame = readFrame(bytes.buffer)!;
    expect(frame.stream).toBe("self");
    expect(frame.keyframe).toBe(false);
  });

  it("names a participant's screen share apart from their camera", () => {
    const bytes = new Uint8Array(REMOTE_KEYFRAME);
    bytes[1] = 4 | 1;
    const frame = readFrame(bytes.buffer)!;
    expect(frame.stream).toBe("screen:258");
    expect(frame.keyframe).toBe(true);
  });

  it("tells H.264 from VP8", () => {
    const bytes = new Uint8Array(REMOTE_KEYFRAME);
    bytes[1] = 8 | 4 | 1;
    const frame = readFrame(bytes.buffer)!;
    expect(frame.codec).toBe("h264");
    expect(frame.stream).toBe("screen:258");
    expect(frame.keyframe).toBe(true);
  });

  it("keeps participant ids beyond a JavaScript number's exact range", () => {
    const bytes = new Uint8Array(REMOTE_KEYFRAME);
    bytes.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 2);
    expect(readFrame(bytes.buffer)!.stream).toBe("18446744073709551615");
  });

  it("ignores messages of another version, or without a frame", () => {
    const other = new Uint8Array(REMOTE_KEYFRAME);
    other[0] = 2;
    expect(readFrame(other.buffer)).toBeNull();
    expect(readFrame(new Uint8Array(HEADER_LEN).buffer)).toBeNull();
    expect(readFrame(new ArrayBuffer(3))).toBeNull();
  });
});
