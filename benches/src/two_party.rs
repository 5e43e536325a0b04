//! `palabre-bench two-party`: the embedded server and two `palabre-cli` participants, each its own process, in
//! one call over loopback; both join with the guest link, as two invited people would.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::BenchError;
use crate::process::{Finished, Running};
use crate::report::CallReport;
use crate::server::Server;
use crate::table::Row;
use crate::work_dir::{create_file, last_line, WorkDir};

/// How long past the call's planned end a participant may take to join, leave and write its report.
const GRACE: Duration = Duration::from_secs(60);
const NAMES: [&str; 2] = ["A", "B"];

pub struct Settings {
    pub seconds: u64,
    pub size: String,
    pub fps: u32,
    pub bin_dir: PathBuf,
}

/// Runs the call and returns one row per participant, then one for the server.
pub fn run(settings: &Settings) -> Result<Vec<Row>, BenchError> {
    let server_binary = binary(&settings.bin_dir, "palabre-server")?;
    let cli_binary = binary(&settings.bin_dir, "palabre-cli")?;
    let work = WorkDir::create()?;
    let server = Server::start(&server_binary, "bench", &work.join("data"), &work.join("server.log"))?;

    let mut running = Vec::new();
    for name in NAMES {
        running.push(start_participant(&cli_binary, &server.links.guest, name, settings, &work)?);
    }
    let deadline = Instant::now() + Duration::from_secs(settings.seconds) + GRACE;
    let mut finished = Vec::new();
    for (name, process) in NAMES.into_iter().zip(running) {
        let done = process.wait(deadline)?;
        if !done.status.success() {
            let log = work.join(&format!("{name}.log"));
            return Err(BenchError::Failed {
                name: format!("participant {name}"),
                status: done.status,
                last_line: last_line(&log),
                log,
            });
        }
        finished.push(done);
    }
    let server = server.stop()?;

    let reports = [read_report(&work, NAMES[0])?, read_report(&work, NAMES[1])?];
    let mut rows: Vec<Row> = (0..2)
        .map(|me| {
            let other = 1 - me;
            Row {
                label: format!("participant {}", NAMES[me]),
                first_video_ms: reports[me].first_remote_video_ms,
                first_audio_ms: reports[me].first_remote_audio_ms,
                frames: Some((reports[me].video_frames_from(NAMES[other]), reports[other].sent_video_frames)),
                ..cost(&finished[me])
            }
        })
        .collect();
    rows.push(Row { label: "server".into(), ..cost(&server) });
    work.remove();
    Ok(rows)
}

/// `dir/name`, or an error that says what to build when it is not there.
pub(crate) fn binary(dir: &Path, name: &str) -> Result<PathBuf, BenchError> {
    let path = dir.join(name);
    if path.is_file() {
        Ok(path)
    } else {
        Err(BenchError::BinaryMissing(path))
    }
}

/// `palabre-cli join LINK --name NAME …`, its log and report in `work` under its name (`NAME.log`, `NAME.json`).
pub(crate) fn start_participant(
    binary: &Path,
    link: &str,
    name: &str,
    settings: &Settings,
    work: &WorkDir,
) -> Result<Running, BenchError> {
    let mut command = Command::new(binary);
    command
        .args(["join", link, "--name", name, "--video", "test-pattern", "--audio", "tone"])
        .args(["--size", &settings.size, "--fps", &settings.fps.to_string()])
        .args(["--duration", &settings.seconds.to_string(), "--report"])
        .arg(work.join(&format!("{name}.json")))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(create_file(&work.join(&format!("{name}.log")))?);
    Running::spawn(&format!("participant {name}"), &mut command)
}

fn read_report(work: &WorkDir, name: &str) -> Result<CallReport, BenchError> {
    CallReport::read(&format!("participant {name}"), &work.join(&format!("{name}.json")))
}

/// A row with only what every process has: its CPU time, life and peak memory.
fn cost(done: &Finished) -> Row {
    Row {
        label: String::new(),
        first_video_ms: None,
        first_audio_ms: None,
        frames: None,
        cpu: done.cpu,
        wall: done.wall,
        peak_rss_kib: done.peak_rss_kib,
    }
}
