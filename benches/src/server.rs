//! `palabre-server` as a child process: started on a free loopback port, its links read from stdout, stopped
//! with SIGINT.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::error::BenchError;
use crate::process::{Finished, Running};
use crate::work_dir::{create_file, last_line};

/// How long the server may take to print its links (it makes a certificate on first start).
const LINKS_WITHIN: Duration = Duration::from_secs(30);
/// How long the server may take to stop after SIGINT.
const STOP_WITHIN: Duration = Duration::from_secs(10);

pub struct Server {
    process: Running,
    pub links: Links,
    log: PathBuf,
    /// Kept open so the server never writes to a closed pipe.
    _stdout: BufReader<ChildStdout>,
}

/// The two lines `palabre-server` prints when it is ready.
#[derive(Debug, PartialEq)]
pub struct Links {
    pub host: String,
    pub guest: String,
}

impl Server {
    /// Starts `palabre-server` for room `room`, keeping its data in `data_dir` and its log in `log`.
    pub fn start(binary: &Path, room: &str, data_dir: &Path, log: &Path) -> Result<Server, BenchError> {
        let log_file = create_file(log)?;
        let mut command = Command::new(binary);
        command
            .args(["--listen", "127.0.0.1:0", "--room", room, "--data-dir"])
            .arg(data_dir)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log_file);
        let mut process = Running::spawn("palabre-server", &mut command)?;
        let stdout = process.take_stdout().expect("stdout is piped");
        // Read on a thread so that a server which never prints cannot hang the benchmark.
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut lines = [String::new(), String::new()];
            for line in &mut lines {
                if reader.read_line(line).is_err() {
                    break;
                }
            }
            let _ = sender.send((lines, reader));
        });
        let no_links = |detail: String| BenchError::NoLinks { detail, log: log.to_path_buf() };
        let ([first, second], stdout) = receiver
            .recv_timeout(LINKS_WITHIN)
            .map_err(|_| no_links(format!("nothing within {} s", LINKS_WITHIN.as_secs())))?;
        let links = parse_links(&first, &second).map_err(no_links)?;
        Ok(Server { process, links, log: log.to_path_buf(), _stdout: stdout })
    }

    /// Stops the server as Ctrl-C would and reaps it.
    pub fn stop(self) -> Result<Finished, BenchError> {
        self.process.interrupt();
        let finished = self.process.wait(Instant::now() + STOP_WITHIN)?;
        if !finished.status.success() {
            return Err(BenchError::Failed {
                name: "palabre-server".into(),
                status: finished.status,
                last_line: last_line(&self.log),
                log: self.log,
            });
        }
        Ok(finished)
    }
}

/// Reads `host <link>` then `guest <link>`.
pub fn parse_links(first: &str, second: &str) -> Result<Links, String> {
    let link = |line: &str, label: &str| match line.trim_end().split_once(' ') {
        Some((found, link)) if found == label && !link.is_empty() => Ok(link.to_string()),
        _ if line.is_empty() => Err(format!("expected `{label} <link>`, got the end of its output")),
        _ => Err(format!("expected `{label} <link>`, got {:?}", line.trim_end())),
    };
    Ok(Links { host: link(first, "host")?, guest: link(second, "guest")? })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_host_then_guest() {
        let links =
            parse_links("host palabre://127.0.0.1:4000/r?token=h\n", "guest palabre://127.0.0.1:4000/r?token=g\n");
        assert_eq!(
            links,
            Ok(Links {
                host: "palabre://127.0.0.1:4000/r?token=h".into(),
                guest: "palabre://127.0.0.1:4000/r?token=g".into()
            })
        );
    }

    #[test]
    fn links_in_the_wrong_order_or_missing_are_refused() {
        assert!(parse_links("guest palabre://a\n", "host palabre://b\n").is_err());
        assert_eq!(
            parse_links("host palabre://a\n", ""),
            Err("expected `guest <link>`, got the end of its output".to_string())
        );
        assert!(parse_links("host \n", "guest palabre://b\n").is_err());
    }
}
