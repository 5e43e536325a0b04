//! `palabre-bench desktop-app`: what the desktop app costs, its own process and WebKit's together, in a call with
//! one and with three `palabre-cli` peers, the peers sending 640x360 and then 1280x720, next to `palabre-cli`
//! taking the app's place in the same call.
//!
//! The app is driven as the end-to-end tests drive it (`palabre_e2e::webdriver`: Xvfb, a session bus and a home of
//! its own, tauri-driver in front of WebKitWebDriver). Its camera is a 640x360 test pattern at 30 fps
//! (src-tauri/meeting.rs), so `palabre-cli` in its place sends 640x360 too; what changes from one call to the next
//! is what the measured participant receives, decodes and draws.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use palabre_e2e::webdriver::{wait_for, AppSession, Desktop};
use serde_json::Value;

use crate::error::BenchError;
use crate::proc_tree::{Sampler, TreeCost, EVERY};
use crate::process::{Finished, Running};
use crate::report::CallReport;
use crate::server::Server;
use crate::table::percent;
use crate::two_party::{self, binary, start_participant};
use crate::work_dir::{last_line, WorkDir};

/// The calls, each made twice (the app, then palabre-cli): parties in all, and the size the peers send.
const CALLS: [(usize, &str); 4] = [(2, "640x360"), (2, "1280x720"), (4, "640x360"), (4, "1280x720")];
/// What the app sends, and so what palabre-cli sends in its place.
const MEASURED_SENDS: &str = "640x360";
const FPS: u32 = 30;
/// The measured participant's display name, the app's or palabre-cli's: the peers' reports count its frames.
const NAME: &str = "Palabre";
/// How long the peers are in the room together before the measured participant starts.
const PEER_HEAD_START: Duration = Duration::from_secs(2);
/// How long past the call's planned end anything may take to join, leave and report.
const GRACE: Duration = Duration::from_secs(60);
/// How long the app may take to show a screen or an element of it.
const APP_WITHIN: Duration = Duration::from_secs(30);
/// How long a peer may take to leave and write its report once interrupted.
const PEER_LEAVES_WITHIN: Duration = Duration::from_secs(10);

pub struct Settings {
    pub seconds: u64,
    pub bin_dir: PathBuf,
}

/// One call, made with the app and then with palabre-cli in its place.
pub struct Call {
    pub parties: usize,
    /// The size the peers send.
    pub size: &'static str,
    pub app: Measured,
    pub cli: Measured,
}

/// What the measured participant did and cost in one call.
pub struct Measured {
    /// Video frames it drew (the app: each tile's count of frames WebCodecs decoded and painted) or decoded
    /// (palabre-cli: its report) from each peer, in the peers' order.
    pub from_peers: Vec<u64>,
    /// Frames of its own video the app drew as the user's preview; palabre-cli draws none.
    pub own_preview: Option<u64>,
    /// Video frames each peer decoded from it: that it sent alike in both runs.
    pub by_peers: Vec<u64>,
    /// The app's own process and its descendants (WebKit's processes), or palabre-cli's one process.
    pub tree: TreeCost,
    /// From its start to its last sample: CPU % is the tree's CPU time over this.
    pub life: Duration,
}

#[derive(Clone, Copy)]
enum Who {
    App,
    Cli,
}

struct Binaries {
    server: PathBuf,
    cli: PathBuf,
    app: PathBuf,
}

/// Makes every call of [`CALLS`] with the app, then with palabre-cli, and returns their figures in that order.
pub fn run(settings: &Settings) -> Result<Vec<Call>, BenchError> {
    let app = settings.bin_dir.join("palabre");
    if !app.is_file() {
        let hint = "build it with scripts/build-ui.sh && cargo build --release -p palabre --features custom-protocol";
        return Err(BenchError::Missing { what: "the desktop app", path: app, hint });
    }
    let binaries = Binaries {
        server: binary(&settings.bin_dir, "palabre-server")?,
        cli: binary(&settings.bin_dir, "palabre-cli")?,
        app,
    };
    let work = WorkDir::create()?;
    let mut calls = Vec::new();
    for (parties, size) in CALLS {
        eprintln!("palabre-bench: {parties} parties, the peers sending {size}: the app, then palabre-cli…");
        let app = call(Who::App, parties, size, &binaries, settings, &work)?;
        let cli = call(Who::Cli, parties, size, &binaries, settings, &work)?;
        calls.push(Call { parties, size, app, cli });
    }
    work.remove();
    Ok(calls)
}

/// One call through a server of its own: the peers join first and stay until the measured participant has left.
fn call(
    who: Who,
    parties: usize,
    size: &str,
    binaries: &Binaries,
    settings: &Settings,
    work: &WorkDir,
) -> Result<Measured, BenchError> {
    let server = Server::start(&binaries.server, "bench", &work.join("data"), &work.join("server.log"))?;
    let link = server.links.guest.clone();
    let peer_names: Vec<String> = (1..parties).map(|n| format!("Peer {n}")).collect();
    let peer_settings = two_party::Settings {
        seconds: settings.seconds + GRACE.as_secs(),
        size: size.to_string(),
        fps: FPS,
        bin_dir: settings.bin_dir.clone(),
    };
    let peers = peer_names
        .iter()
        .map(|name| start_participant(&binaries.cli, &link, name, &peer_settings, work))
        .collect::<Result<Vec<Running>, BenchError>>()?;
    std::thread::sleep(PEER_HEAD_START);

    let mut measured = match who {
        Who::App => measure_app(&binaries.app, &link, &peer_names, settings.seconds, work),
        Who::Cli => measure_cli(&binaries.cli, &link, &peer_names, settings, work)?,
    };

    for peer in &peers {
        peer.interrupt();
    }
    for (name, peer) in peer_names.iter().zip(peers) {
        succeeded(name, peer.wait(Instant::now() + PEER_LEAVES_WITHIN)?, work)?;
        measured.by_peers.push(CallReport::read(name, &work.join(&format!("{name}.json")))?.video_frames_from(NAME));
    }
    server.stop()?;
    Ok(measured)
}

/// The app joins with `link` as [`NAME`], stays `seconds` once its call screen shows, and leaves.
///
/// The sampled tree is rooted at the app's own process, not at tauri-driver or WebKitWebDriver, which only drive it
/// and which a person does not run; WebKit's processes are the app's children, so they are in it. The WebDriver
/// harness reports what goes wrong by panicking (palabre-bench prints that as one line).
fn measure_app(app: &Path, link: &str, peers: &[String], seconds: u64, work: &WorkDir) -> Measured {
    // A fresh home for each run, so that nothing the webview kept from one run changes the next.
    let home = work.join("home");
    let _ = std::fs::remove_dir_all(&home);
    let desktop = Desktop::start(&home);
    let started = Instant::now();
    let session = AppSession::start(app, &[link], &desktop);
    let pid = wait_for(APP_WITHIN, "the app's process", || app_process(app, &desktop.display.name));
    let sampler = Sampler::start(pid);

    session.type_into(&session.wait_for("#name-input", APP_WITHIN), NAME);
    session.click(&session.wait_for("#join", APP_WITHIN));
    session.wait_for("#tiles", APP_WITHIN);
    std::thread::sleep(Duration::from_secs(seconds));
    let tiles = frames_drawn(&session);
    session.click(&session.wait_for("#leave", APP_WITHIN));
    session.wait_for("#link-input", APP_WITHIN);
    // Let a sample see the app after it left, so leaving counts as it does for palabre-cli.
    std::thread::sleep(EVERY + Duration::from_millis(100));
    let tree = sampler.finish();
    let life = started.elapsed();

    let drawn_by = |name: &str| tiles.iter().filter(|(stream, _)| stream == name).map(|(_, frames)| frames).sum();
    Measured {
        from_peers: peers.iter().map(|name| drawn_by(name)).collect(),
        own_preview: Some(drawn_by("self")),
        by_peers: Vec::new(),
        tree,
        life,
    }
}

/// palabre-cli joins with `link` as [`NAME`], sending what the app sends, for `settings.seconds`.
fn measure_cli(
    cli: &Path,
    link: &str,
    peers: &[String],
    settings: &Settings,
    work: &WorkDir,
) -> Result<Measured, BenchError> {
    let own = two_party::Settings {
        seconds: settings.seconds,
        size: MEASURED_SENDS.to_string(),
        fps: FPS,
        bin_dir: settings.bin_dir.clone(),
    };
    let process = start_participant(cli, link, NAME, &own, work)?;
    let sampler = Sampler::start(process.id());
    let done = process.wait(Instant::now() + Duration::from_secs(settings.seconds) + GRACE)?;
    let tree = sampler.finish();
    let done = succeeded(NAME, done, work)?;
    let report = CallReport::read(NAME, &work.join(&format!("{NAME}.json")))?;
    Ok(Measured {
        from_peers: peers.iter().map(|name| report.video_frames_from(name)).collect(),
        own_preview: None,
        by_peers: Vec::new(),
        tree,
        life: done.wall,
    })
}

/// `done` if participant `name` exited well; otherwise the last line of its log (`NAME.log` in `work`).
fn succeeded(name: &str, done: Finished, work: &WorkDir) -> Result<Finished, BenchError> {
    if done.status.success() {
        return Ok(done);
    }
    let log = work.join(&format!("{name}.log"));
    Err(BenchError::Failed {
        name: format!("participant {name}"),
        status: done.status,
        last_line: last_line(&log),
        log,
    })
}

/// The process running `app` on `display`: the one tauri-driver had WebKitWebDriver start for this run, told from
/// any other Palabre on this machine by its X display, which is this run's own.
fn app_process(app: &Path, display: &str) -> Option<u32> {
    let app = app.canonicalize().ok()?;
    let display = format!("DISPLAY={display}");
    let runs_app = |pid: &u32| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == app);
    let on_display = |pid: &u32| {
        let environment = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
        environment.split(|byte| *byte == 0).any(|variable| variable == display.as_bytes())
    };
    std::fs::read_dir("/proc")
        .ok()?
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .find(|pid| runs_app(pid) && on_display(pid))
}

/// Each tile's frames drawn, by whose they are: a peer's display name, or "self" for the user's own preview.
fn frames_drawn(session: &AppSession) -> Vec<(String, u64)> {
    let tiles = session.script(
        "return [...document.querySelectorAll('#tiles .tile')].map(tile => [\
           tile.dataset.stream, tile.querySelector('figcaption')?.textContent ?? '', \
           Number(tile.querySelector('canvas')?.dataset.frames || 0)]);",
    );
    tiles.as_array().map(Vec::as_slice).unwrap_or_default().iter().filter_map(tile_frames).collect()
}

/// `[stream, caption, frames]` of one tile as `(who, frames)`; a caption reads "NAME — role, states…".
fn tile_frames(tile: &Value) -> Option<(String, u64)> {
    let frames = tile[2].as_u64()?;
    if tile[0].as_str()? == "self" {
        return Some(("self".to_string(), frames));
    }
    let caption = tile[1].as_str()?;
    let name = caption.split_once(" — ").map_or(caption, |(name, _)| name);
    Some((name.to_string(), frames))
}

const HEADER: [&str; 10] = [
    "call",
    "participant",
    "frames from each peer",
    "own preview",
    "decoded by each peer",
    "tree CPU s",
    "CPU % core",
    "peak tree PSS MiB",
    "processes",
    "root alone: CPU s, peak PSS MiB",
];

/// Two lines per call, the app's then palabre-cli's, and the ratios of the app's tree over palabre-cli's.
pub fn render(calls: &[Call]) -> String {
    let mut out = String::new();
    let line = |out: &mut String, cells: [String; 10]| {
        out.push_str(&format!(
            "{:<16} {:<11} {:>21} {:>11} {:>20} {:>10} {:>10} {:>17} {:>9}   {}\n",
            cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[6], cells[7], cells[8], cells[9]
        ));
    };
    line(&mut out, HEADER.map(String::from));
    for call in calls {
        let label = format!("{}-party {}", call.parties, call.size);
        for (participant, m) in [("app", &call.app), ("palabre-cli", &call.cli)] {
            let cpu = m.tree.cpu.as_secs_f64();
            line(
                &mut out,
                [
                    label.clone(),
                    participant.to_string(),
                    counts(&m.from_peers),
                    m.own_preview.map_or("-".to_string(), |frames| frames.to_string()),
                    counts(&m.by_peers),
                    format!("{cpu:.2}"),
                    percent(cpu, m.life.as_secs_f64()).map_or("-".to_string(), |p| format!("{p:.1}")),
                    format!("{:.1}", mib(m.tree.peak_pss_kib)),
                    m.tree.peak_processes.to_string(),
                    format!("{:.2}, {:.1}", m.tree.root_cpu.as_secs_f64(), mib(m.tree.root_peak_pss_kib)),
                ],
            );
        }
        let ratio = |a: f64, b: f64| if b > 0.0 { format!("{:.2}", a / b) } else { "-".to_string() };
        let (app, cli) = (&call.app.tree, &call.cli.tree);
        let webkit_cpu = app.cpu.saturating_sub(app.root_cpu).as_secs_f64();
        out.push_str(&format!(
            "{label:<16} app / palabre-cli: CPU {}, memory {}; WebKit's processes (the app's tree less its own \
             process): {webkit_cpu:.2} CPU s\n",
            ratio(app.cpu.as_secs_f64(), cli.cpu.as_secs_f64()),
            ratio(app.peak_pss_kib as f64, cli.peak_pss_kib as f64),
        ));
    }
    out
}

/// Frame counts per peer, "598/601/597"; "-" when there were none to count.
fn counts(frames: &[u64]) -> String {
    if frames.is_empty() {
        return "-".to_string();
    }
    frames.iter().map(u64::to_string).collect::<Vec<_>>().join("/")
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_tile_is_counted_for_the_name_its_caption_starts_with() {
        assert_eq!(tile_frames(&json!(["7", "Peer 1 — participant, camera off", 598])), Some(("Peer 1".into(), 598)));
        assert_eq!(tile_frames(&json!(["self", "Palabre (you) — animateur", 610])), Some(("self".into(), 610)));
        assert_eq!(tile_frames(&json!(["9", "Peer 2", 0])), Some(("Peer 2".into(), 0)), "a tile that drew nothing");
        assert_eq!(tile_frames(&json!(["9"])), None);
    }

    #[test]
    fn frame_counts_read_per_peer_and_none_shows_as_a_dash() {
        assert_eq!(counts(&[598, 0, 601]), "598/0/601");
        assert_eq!(counts(&[]), "-");
    }
}
