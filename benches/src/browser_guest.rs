//! Headless Chromium joining a Janus room with the official janus.js (tests/browser/guest.mjs), and the JSON line
//! it prints when it leaves.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::error::BenchError;

/// tests/browser, found from this crate's sources.
fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/browser")
}

/// `node guest.mjs --janus ws://127.0.0.1:PORT --room ROOM --name NAME --seconds N --size WxH --fps FPS`, not started.
pub fn command(
    janus_port: u16,
    room: u64,
    name: &str,
    seconds: u64,
    size: &str,
    fps: u32,
) -> Result<Command, BenchError> {
    let dir = browser_dir();
    let hint = "run scripts/test.sh, or install Debian's chromium and `npm ci --prefix tests/browser`";
    if !dir.join("node_modules/playwright-core").exists() {
        return Err(BenchError::Missing {
            what: "the browser guest's npm packages",
            path: dir.join("node_modules"),
            hint,
        });
    }
    if !Path::new("/usr/bin/chromium").exists() {
        return Err(BenchError::Missing { what: "Chromium", path: "/usr/bin/chromium".into(), hint });
    }
    let mut command = Command::new("node");
    command
        .arg(dir.join("guest.mjs"))
        .args(["--janus", &format!("ws://127.0.0.1:{janus_port}"), "--room", &room.to_string(), "--name", name])
        .args(["--seconds", &seconds.to_string(), "--size", size, "--fps", &fps.to_string()])
        .stdin(Stdio::null());
    Ok(command)
}

/// What the browser guest printed that the benchmark shows.
#[derive(Debug, PartialEq)]
pub struct GuestReport {
    /// From node's start to the first remote video frame Chromium decoded (sampled every 100 ms).
    pub first_video_ms: Option<u64>,
    /// The remote streams: sender's display name, kind, frames decoded.
    remotes: Vec<(String, String, u64)>,
}

impl GuestReport {
    pub fn parse(stdout: &str) -> Result<GuestReport, String> {
        let line =
            stdout.lines().rev().find(|line| line.trim_start().starts_with('{')).ok_or("it printed no JSON line")?;
        let json: Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
        let remotes = json["remotes"]
            .as_array()
            .ok_or("it has no remotes list")?
            .iter()
            .map(|r| {
                let text = |key: &str| r[key].as_str().unwrap_or_default().to_string();
                (text("display"), text("kind"), r["framesDecoded"].as_u64().unwrap_or(0))
            })
            .collect();
        Ok(GuestReport { first_video_ms: json["first_video_ms"].as_u64(), remotes })
    }

    /// Video frames decoded from the publisher called `name`.
    pub fn video_frames_from(&self, name: &str) -> u64 {
        self.remotes.iter().filter(|(display, kind, _)| display == name && kind == "video").map(|r| r.2).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guest_line_gives_first_video_and_video_frames_per_publisher() {
        let stdout = r#"{"joined_ms":2310,"first_video_ms":2877,"remotes":[
            {"mid":"0","kind":"audio","feed":7,"display":"Pair","framesDecoded":0,"packetsReceived":500},
            {"mid":"1","kind":"video","feed":7,"display":"Pair","framesDecoded":271,"packetsReceived":900}],"errors":[]}"#
            .replace('\n', "");
        let report = GuestReport::parse(&stdout).unwrap();
        assert_eq!(report.first_video_ms, Some(2877));
        assert_eq!(report.video_frames_from("Pair"), 271);
        assert_eq!(report.video_frames_from("Other"), 0);
    }

    #[test]
    fn a_guest_that_saw_no_video_or_printed_nothing_is_told_apart() {
        let report = GuestReport::parse(r#"{"joined_ms":1,"first_video_ms":null,"remotes":[],"errors":[]}"#).unwrap();
        assert_eq!(report.first_video_ms, None);
        assert!(GuestReport::parse("").is_err());
    }
}
