//! The parts of a `palabre-cli join --report` file that the benchmark prints.

use std::path::Path;

use serde_json::Value;

use crate::error::BenchError;

#[derive(Debug, PartialEq)]
pub struct CallReport {
    /// Milliseconds from the process's start (so from the link) to the first remote video frame decoded.
    pub first_remote_video_ms: Option<u64>,
    pub first_remote_audio_ms: Option<u64>,
    pub sent_video_frames: u64,
    /// The others seen in the call: name and video frames decoded from them.
    pub others: Vec<(String, u64)>,
    /// Bytes sent (all media) and, per other participant by name, bytes received (RTP headers included).
    pub sent_bytes: u64,
    pub bytes_received: Vec<(String, u64)>,
}

impl CallReport {
    /// Reads the report that participant `name` wrote to `path`.
    pub fn read(name: &str, path: &Path) -> Result<CallReport, BenchError> {
        let error = |detail: String| BenchError::Report { name: name.to_string(), path: path.to_path_buf(), detail };
        let text = std::fs::read_to_string(path).map_err(|e| error(e.to_string()))?;
        CallReport::parse(&text).map_err(error)
    }

    pub fn parse(text: &str) -> Result<CallReport, String> {
        let json: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let sent_video_frames = json["sent"]["video_frames"].as_u64().ok_or("it has no sent.video_frames")?;
        let others = json["participants"]
            .as_array()
            .ok_or("it has no participants list")?
            .iter()
            .map(|p| {
                let name = p["name"].as_str().unwrap_or_default().to_string();
                (name, p["video_frames_decoded"].as_u64().unwrap_or(0))
            })
            .collect();
        let bytes_received = json["participants"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| (p["name"].as_str().unwrap_or_default().to_string(), p["bytes_received"].as_u64().unwrap_or(0)))
            .collect();
        Ok(CallReport {
            sent_bytes: json["sent"]["bytes"].as_u64().unwrap_or(0),
            bytes_received,
            first_remote_video_ms: json["first_remote_video_ms"].as_u64(),
            first_remote_audio_ms: json["first_remote_audio_ms"].as_u64(),
            sent_video_frames,
            others,
        })
    }

    /// Bytes received from the participant called `name`.
    pub fn bytes_from(&self, name: &str) -> u64 {
        self.bytes_received.iter().filter(|(other, _)| other == name).map(|(_, bytes)| bytes).sum()
    }

    /// Video frames decoded from the participant called `name`; none if they were never seen.
    pub fn video_frames_from(&self, name: &str) -> u64 {
        self.others.iter().filter(|(other, _)| other == name).map(|(_, frames)| frames).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_gives_first_media_times_and_frames_per_sender() {
        let text = r#"{"joined_ms":180,"first_remote_video_ms":412,"first_remote_audio_ms":null,
            "participants":[{"id":2,"name":"B","video_frames_decoded":287,"audio_frames_decoded":490}],
            "chat":[],"errors":[],"me":"A","sent":{"video_frames":301,"audio_frames":500,"bytes":9000},
            "round_trip_ms":1.5,"duration_ms":10400}"#;
        let report = CallReport::parse(text).unwrap();
        assert_eq!(report.first_remote_video_ms, Some(412));
        assert_eq!(report.first_remote_audio_ms, None);
        assert_eq!(report.sent_video_frames, 301);
        assert_eq!(report.video_frames_from("B"), 287);
        assert_eq!(report.video_frames_from("C"), 0, "a participant never seen sent nothing we decoded");
    }

    #[test]
    fn a_report_without_sent_counts_is_refused() {
        assert!(CallReport::parse(r#"{"participants":[]}"#).is_err());
        assert!(CallReport::parse("not json").is_err());
    }
}
