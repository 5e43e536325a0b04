//! Running Palabre's binaries as a user would: separate processes, real sockets, their stdout, stderr and
//! reports. The binaries come from the same target directory as the test (`cargo build --workspace` first).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// A binary of this workspace, next to the test executable's `deps/` directory.
pub fn binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe.parent().and_then(Path::parent).expect("target profile directory");
    let path = dir.join(name);
    assert!(path.exists(), "{} is missing: build it first with `cargo build --workspace`", path.display());
    path
}

/// A fresh, empty directory for one test.
pub fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("palabre-e2e-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// A running `palabre-server` and the two links it printed.
pub struct Server {
    pub child: Child,
    pub host_link: String,
    pub guest_link: String,
}

impl Server {
    pub fn start(room: &str, data_dir: &Path) -> Server {
        Server::start_with(room, data_dir, &[])
    }

    /// With more `palabre-server` flags, such as `--lobby`.
    pub fn start_with(room: &str, data_dir: &Path, flags: &[&str]) -> Server {
        let mut child = Command::new(binary("palabre-server"))
            .args(["--listen", "127.0.0.1:0", "--room", room, "--data-dir"])
            .arg(data_dir)
            .args(flags)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("palabre-server starts");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let mut next = |label: &str| {
            let line = lines.next().expect("a line").expect("readable stdout");
            let link = line.strip_prefix(&format!("{label} ")).unwrap_or_else(|| panic!("expected {label:?}, got {line:?}"));
            link.to_string()
        };
        let host_link = next("host");
        let guest_link = next("guest");
        Server { child, host_link, guest_link }
    }

    /// Stops the server the hard way, as a crash or a pulled power cable would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `palabre-cli join LINK --name NAME ARGS…`, started.
pub fn join(link: &str, name: &str, args: &[&str]) -> Child {
    Command::new(binary("palabre-cli"))
        .args(["join", link, "--name", name])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("palabre-cli starts")
}

/// What a finished process left behind.
pub struct Finished {
    pub status: ExitStatus,
    pub stderr: String,
}

/// Waits for `child`, killing it after `limit` (a safety net so a hang fails the test instead of the CI run).
pub fn finish(mut child: Child, limit: Duration) -> Finished {
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("process still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
    }
    Finished { status, stderr }
}

/// Runs `palabre-cli` to completion.
pub fn run_cli(args: &[&str]) -> Finished {
    let child = Command::new(binary("palabre-cli"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("palabre-cli starts");
    finish(child, Duration::from_secs(60))
}

pub fn read_report(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("report {}: {e}", path.display()));
    serde_json::from_str(&text).expect("the report is JSON")
}
