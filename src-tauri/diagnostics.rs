//! The app's log, in a file the agent can find and hand to IT support ("copy diagnostics").
//!
//! Engine and shell log through `tracing`; here it goes to `palabre.log` in the platform's log directory, started
//! afresh when it grows past a few megabytes so it never fills a disk. Links are never logged: they carry tokens.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

const FILE: &str = "palabre.log";
const MAX_BYTES: u64 = 4 * 1024 * 1024;
/// How much of the log's end "copy diagnostics" gives.
const TAIL_BYTES: u64 = 32 * 1024;

/// Sends `tracing` to `dir/palabre.log`; returns the file's path. Without a writable directory the app runs
/// without a log rather than not at all.
pub fn start_log(dir: &Path) -> Option<PathBuf> {
    let path = dir.join(FILE);
    let file = open_log(&path).map_err(|error| eprintln!("palabre: no log file at {}: {error}", path.display())).ok()?;
    let filter = EnvFilter::try_from_env("PALABRE_LOG").unwrap_or_else(|_| EnvFilter::new("info,webrtc=warn"));
    let subscriber = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(false).with_writer(Mutex::new(file));
    subscriber.try_init().ok()?;
    Some(path)
}

fn open_log(path: &Path) -> std::io::Result<File> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let too_big = std::fs::metadata(path).map(|m| m.len() > MAX_BYTES).unwrap_or(false);
    OpenOptions::new().create(true).append(!too_big).write(true).truncate(too_big).open(path)
}

/// What support staff need: version, system, and the end of the log.
pub fn report(version: &str, log: Option<&Path>) -> String {
    let mut text = format!("Palabre {version}\nsystem: {} {}\n", std::env::consts::OS, std::env::consts::ARCH);
    match log {
        Some(path) => {
            text.push_str(&format!("log: {}\n\n", path.display()));
            text.push_str(&log_tail(path).unwrap_or_else(|error| format!("(the log cannot be read: {error})")));
        }
        None => text.push_str("log: none (the log directory could not be written)\n"),
    }
    text
}

fn log_tail(path: &Path) -> std::io::Result<String> {
    let mut file = File::open(path)?;
    let length = file.metadata()?.len();
    file.seek(SeekFrom::Start(length.saturating_sub(TAIL_BYTES)))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn report_has_version_system_and_the_end_of_the_log() {
        let dir = std::env::temp_dir().join(format!("palabre-diagnostics-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(FILE);
        let mut file = open_log(&path).unwrap();
        file.write_all(&vec![b'x'; TAIL_BYTES as usize]).unwrap();
        file.write_all(b"\nlast line\n").unwrap();
        let text = report("1.2.3", Some(&path));
        assert!(text.starts_with("Palabre 1.2.3\nsystem: "));
        assert!(text.ends_with("last line\n"));
        assert!(text.len() < TAIL_BYTES as usize + 200, "only the end of the log");
        assert!(report("1.2.3", None).contains("log: none"));
    }

    #[test]
    fn a_log_past_its_limit_starts_afresh() {
        let dir = std::env::temp_dir().join(format!("palabre-diagnostics-big-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(FILE);
        std::fs::write(&path, vec![b'x'; MAX_BYTES as usize + 1]).unwrap();
        drop(open_log(&path).unwrap());
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
    }
}
