//! The figures of one run, as a plain-text table.

use std::fmt::Write;
use std::time::Duration;

use crate::janus_vs_browser::Measured;

/// One process's line. Media columns are empty for the server.
pub struct Row {
    pub label: String,
    pub first_video_ms: Option<u64>,
    pub first_audio_ms: Option<u64>,
    /// Video frames this participant decoded, and how many the other one sent.
    pub frames: Option<(u64, u64)>,
    pub cpu: Duration,
    /// The process's life, from spawn to exit: CPU % is CPU time over this.
    pub wall: Duration,
    pub peak_rss_kib: u64,
}

/// `part` as a percentage of `whole`; none when `whole` is zero.
pub fn percent(part: f64, whole: f64) -> Option<f64> {
    (whole > 0.0).then(|| 100.0 * part / whole)
}

const HEADER: [&str; 7] =
    ["process", "1st video ms", "1st audio ms", "video decoded/sent", "CPU s", "CPU % core", "peak RSS MiB"];

pub fn render(rows: &[Row]) -> String {
    let mut out = String::new();
    let line = |out: &mut String, cells: [String; 7]| {
        let _ = writeln!(
            out,
            "{:<14} {:>12} {:>12} {:>22} {:>7} {:>10} {:>12}",
            cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[6]
        );
    };
    line(&mut out, HEADER.map(String::from));
    for row in rows {
        let ms = |ms: Option<u64>| ms.map_or("-".to_string(), |ms| ms.to_string());
        let frames = row.frames.map_or("-".to_string(), |(decoded, sent)| {
            let share = percent(decoded as f64, sent as f64).map_or("-".to_string(), |p| format!("{p:.1}%"));
            format!("{decoded}/{sent} ({share})")
        });
        let cpu = row.cpu.as_secs_f64();
        let cpu_share = percent(cpu, row.wall.as_secs_f64()).map_or("-".to_string(), |p| format!("{p:.1}"));
        line(
            &mut out,
            [
                row.label.clone(),
                ms(row.first_video_ms),
                ms(row.first_audio_ms),
                frames,
                format!("{cpu:.2}"),
                cpu_share,
                format!("{:.1}", row.peak_rss_kib as f64 / 1024.0),
            ],
        );
    }
    out
}

const COMPARISON_HEADER: [&str; 9] = [
    "participant",
    "1st video ms",
    "peer frames decoded",
    "decoded by peer",
    "tree CPU s",
    "CPU % core",
    "peak tree PSS MiB",
    "processes",
    "root process alone: CPU s, peak PSS MiB",
];

/// janus-vs-browser: one line per measured participant, then the ratios of the first over the second.
pub fn render_comparison(measured: &[Measured; 2]) -> String {
    let mut out = String::new();
    let line = |out: &mut String, cells: [String; 9]| {
        let _ = writeln!(
            out,
            "{:<12} {:>12} {:>19} {:>15} {:>10} {:>10} {:>17} {:>9}   {}",
            cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[6], cells[7], cells[8]
        );
    };
    line(&mut out, COMPARISON_HEADER.map(String::from));
    for m in measured {
        let cpu = m.tree.cpu.as_secs_f64();
        line(
            &mut out,
            [
                m.label.to_string(),
                m.first_video_ms.map_or("-".to_string(), |ms| ms.to_string()),
                m.peer_frames_decoded.to_string(),
                m.frames_decoded_by_peer.to_string(),
                format!("{cpu:.2}"),
                percent(cpu, m.root.wall.as_secs_f64()).map_or("-".to_string(), |p| format!("{p:.1}")),
                format!("{:.1}", m.tree.peak_pss_kib as f64 / 1024.0),
                m.tree.peak_processes.to_string(),
                format!("{:.2}, {:.1}", m.tree.root_cpu.as_secs_f64(), m.tree.root_peak_pss_kib as f64 / 1024.0),
            ],
        );
    }
    let ratio = |a: f64, b: f64| if b > 0.0 { format!("{:.2}", a / b) } else { "-".to_string() };
    let [a, b] = measured;
    let _ = writeln!(
        out,
        "\n{} / {}: CPU {}, memory {}",
        a.label,
        b.label,
        ratio(a.tree.cpu.as_secs_f64(), b.tree.cpu.as_secs_f64()),
        ratio(a.tree.peak_pss_kib as f64, b.tree.peak_pss_kib as f64)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_of_nothing_is_not_a_number_we_print() {
        assert_eq!(percent(3.0, 0.0), None);
        assert_eq!(percent(287.0, 300.0).map(|p| (p * 10.0).round() / 10.0), Some(95.7));
    }

    #[test]
    fn a_participant_row_shows_frames_share_cpu_share_and_mebibytes() {
        let row = Row {
            label: "participant A".into(),
            first_video_ms: Some(412),
            first_audio_ms: None,
            frames: Some((150, 300)),
            cpu: Duration::from_millis(2500),
            wall: Duration::from_secs(10),
            peak_rss_kib: 51_200,
        };
        let table = render(&[row]);
        let cells: Vec<&str> = table.lines().nth(1).unwrap().split_whitespace().collect();
        assert_eq!(cells, ["participant", "A", "412", "-", "150/300", "(50.0%)", "2.50", "25.0", "50.0"]);
    }
}
