//! What can stop a benchmark, each said as one sentence with what to do about it.

use std::path::PathBuf;
use std::process::ExitStatus;

#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("{} is missing: build it with cargo build --release -p palabre-server -p palabre-cli", .0.display())]
    BinaryMissing(PathBuf),
    #[error("cannot start {name}: {source}")]
    Spawn { name: String, source: std::io::Error },
    #[error("palabre-server did not print its links ({detail}); its log is {}", .log.display())]
    NoLinks { detail: String, log: PathBuf },
    #[error("{name} {}: {last_line} (its log is {})", ended(.status), .log.display())]
    Failed { name: String, status: ExitStatus, last_line: String, log: PathBuf },
    #[error("{name} was still running {secs} s after it started, well past its planned end, so it was killed")]
    TimedOut { name: String, secs: u64 },
    #[error("cannot read {name}'s report {}: {detail}", .path.display())]
    Report { name: String, path: PathBuf, detail: String },
    #[error("waiting for {name}: {source}")]
    Wait { name: String, source: std::io::Error },
    #[error("{what} is missing ({}): {hint}", .path.display())]
    Missing { what: &'static str, path: PathBuf, hint: &'static str },
    #[error("{what} {}: {source}", .path.display())]
    Io { what: &'static str, path: PathBuf, source: std::io::Error },
}

/// "exited with code 3", "was killed by signal 9".
fn ended(status: &ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exited with code {code}"),
        (None, Some(signal)) => format!("was killed by signal {signal}"),
        (None, None) => format!("ended with {status}"),
    }
}
