//! `palabre-bench janus-vs-browser`: the same Janus call made twice, once with `palabre-cli` as the measured
//! participant and once with headless Chromium (janus.js), each time with the same `palabre-cli` peer. Each
//! run has a Janus of its own (Debian's, started by the end-to-end tests' harness).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use palabre_e2e::{Janus, JANUS_ROOM};

use crate::browser_guest::{self, GuestReport};
use crate::error::BenchError;
use crate::proc_tree::{Sampler, TreeCost};
use crate::process::{Finished, Running};
use crate::report::CallReport;
use crate::work_dir::{create_file, last_line, WorkDir};

/// The peer's name in the room; both measured participants decode its video.
const PEER: &str = "Pair";
/// How long the peer is in the room alone before the measured participant starts.
const PEER_HEAD_START: Duration = Duration::from_secs(2);
/// How long past the call's planned end a participant may take to join, leave and report.
const GRACE: Duration = Duration::from_secs(60);
/// Both measured participants send at this rate (Chromium's fake camera would send 20 fps by default).
const FPS: u32 = 30;

pub struct Settings {
    pub seconds: u64,
    pub size: String,
    pub bin_dir: PathBuf,
}

/// One measured participant's figures.
pub struct Measured {
    pub label: &'static str,
    pub first_video_ms: Option<u64>,
    pub peer_frames_decoded: u64,
    /// Video frames the peer decoded from the measured participant: what it sent, seen from the other side.
    pub frames_decoded_by_peer: u64,
    pub tree: TreeCost,
    /// The measured root process as `wait4` saw it; its life is the time CPU % is taken over.
    pub root: Finished,
}

#[derive(Clone, Copy)]
enum Who {
    Palabre,
    Chromium,
}

/// Runs the call with `palabre-cli`, then with Chromium, and returns their figures in that order.
pub fn run(settings: &Settings) -> Result<[Measured; 2], BenchError> {
    let cli = settings.bin_dir.join("palabre-cli");
    if !cli.is_file() {
        return Err(BenchError::BinaryMissing(cli));
    }
    if !Path::new("/usr/bin/janus").exists() {
        let hint = "run scripts/install-deps.sh (Debian package `janus`)";
        return Err(BenchError::Missing { what: "Janus", path: "/usr/bin/janus".into(), hint });
    }
    let work = WorkDir::create()?;
    let palabre = run_once(Who::Palabre, &cli, settings, &work)?;
    let chromium = run_once(Who::Chromium, &cli, settings, &work)?;
    work.remove();
    Ok([palabre, chromium])
}

fn run_once(who: Who, cli: &Path, settings: &Settings, work: &WorkDir) -> Result<Measured, BenchError> {
    let (label, name, janus_name) = match who {
        Who::Palabre => ("palabre-cli", "Palabre", "bench-palabre"),
        Who::Chromium => ("Chromium", "Chromium", "bench-chromium"),
    };
    let janus = Janus::start(janus_name);
    let link = janus.link(JANUS_ROOM, "");

    // The peer stays well past the measured participant's end and is stopped with SIGINT once it has left.
    let (peer_log, peer_report) =
        (work.join(&format!("{janus_name}-peer.log")), work.join(&format!("{janus_name}-peer.json")));
    let mut peer = Command::new(cli);
    peer.args(["join", &link, "--name", PEER, "--size", &settings.size, "--fps", &FPS.to_string()])
        .args(["--duration", &(settings.seconds + GRACE.as_secs()).to_string(), "--report"])
        .arg(&peer_report)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(create_file(&peer_log)?);
    let peer = Running::spawn("the peer", &mut peer)?;
    std::thread::sleep(PEER_HEAD_START);

    let (log, output) = (work.join(&format!("{janus_name}.log")), work.join(&format!("{janus_name}.json")));
    let mut command = match who {
        Who::Palabre => {
            let mut command = Command::new(cli);
            command
                .args(["join", &link, "--name", name, "--size", &settings.size, "--fps", &FPS.to_string()])
                .args(["--duration", &settings.seconds.to_string(), "--report"])
                .arg(&output)
                .env("NO_COLOR", "1")
                .stdin(Stdio::null())
                .stdout(Stdio::null());
            command
        }
        Who::Chromium => {
            let mut command =
                browser_guest::command(janus.port, JANUS_ROOM, name, settings.seconds, &settings.size, FPS)?;
            command.stdout(create_file(&output)?);
            command
        }
    };
    command.stderr(create_file(&log)?);
    let measured = Running::spawn(label, &mut command)?;
    let sampler = Sampler::start(measured.id());
    let root = measured.wait(Instant::now() + Duration::from_secs(settings.seconds) + GRACE)?;
    let tree = sampler.finish();
    if !root.status.success() {
        return Err(BenchError::Failed { name: label.into(), status: root.status, last_line: last_line(&log), log });
    }
    peer.interrupt();
    let peer_done = peer.wait(Instant::now() + Duration::from_secs(10))?;
    if !peer_done.status.success() {
        let (status, last_line) = (peer_done.status, last_line(&peer_log));
        return Err(BenchError::Failed { name: "the peer".into(), status, last_line, log: peer_log });
    }
    drop(janus);

    let (first_video_ms, peer_frames_decoded) = match who {
        Who::Palabre => {
            let report = CallReport::read(label, &output)?;
            (report.first_remote_video_ms, report.video_frames_from(PEER))
        }
        Who::Chromium => {
            let stdout = std::fs::read_to_string(&output).unwrap_or_default();
            let report = GuestReport::parse(&stdout).map_err(|detail| BenchError::Report {
                name: label.into(),
                path: output.clone(),
                detail,
            })?;
            (report.first_video_ms, report.video_frames_from(PEER))
        }
    };
    let frames_decoded_by_peer = CallReport::read("the peer", &peer_report)?.video_frames_from(name);
    Ok(Measured { label, first_video_ms, peer_frames_decoded, frames_decoded_by_peer, tree, root })
}
