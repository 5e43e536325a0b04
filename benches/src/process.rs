//! Child processes and what they cost, from the kernel's own accounting: `wait4` hands back a child's CPU time
//! (user + system) and peak resident memory when it is reaped.

use std::os::unix::process::ExitStatusExt;
use std::process::{Child, ChildStdout, Command, ExitStatus};
use std::time::{Duration, Instant};

use crate::error::BenchError;

/// How often [`Running::wait`] looks whether the child has ended.
const POLL: Duration = Duration::from_millis(10);

/// A started child that has not been reaped yet. Dropping it kills and reaps the child, so a benchmark that
/// stops on an error leaves no process behind.
pub struct Running {
    name: String,
    child: Child,
    started: Instant,
    reaped: bool,
}

/// A reaped child.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    /// User + system CPU time over the child's whole life.
    pub cpu: Duration,
    /// Peak resident set size, in KiB (Linux's unit for `ru_maxrss`).
    pub peak_rss_kib: u64,
    /// From spawn to reaping, as this process saw it.
    pub wall: Duration,
}

impl Running {
    /// Starts `command`; `name` is how messages refer to it.
    pub fn spawn(name: &str, command: &mut Command) -> Result<Running, BenchError> {
        let started = Instant::now();
        let child = command.spawn().map_err(|source| BenchError::Spawn { name: name.to_string(), source })?;
        Ok(Running { name: name.to_string(), child, started, reaped: false })
    }

    /// The child's stdout, when it was started with `Stdio::piped()`.
    pub fn take_stdout(&mut self) -> Option<ChildStdout> {
        self.child.stdout.take()
    }

    /// The child's process id, for watching it in /proc while it runs.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Asks the child to stop as Ctrl-C would.
    pub fn interrupt(&self) {
        // SAFETY: the pid is our own child, not reaped yet, so it cannot have been reused.
        unsafe { libc::kill(self.pid(), libc::SIGINT) };
    }

    /// Waits until the child ends and reaps it, or kills it once `deadline` has passed.
    pub fn wait(mut self, deadline: Instant) -> Result<Finished, BenchError> {
        loop {
            let mut status: libc::c_int = 0;
            // SAFETY: an all-zero rusage is a valid value of this plain C struct.
            let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
            // SAFETY: both pointers are to live locals; the pid is our own unreaped child.
            let pid = unsafe { libc::wait4(self.pid(), &mut status, libc::WNOHANG, &mut usage) };
            if pid == self.pid() {
                self.reaped = true;
                return Ok(Finished {
                    status: ExitStatus::from_raw(status),
                    cpu: duration(usage.ru_utime) + duration(usage.ru_stime),
                    peak_rss_kib: usage.ru_maxrss.max(0) as u64,
                    wall: self.started.elapsed(),
                });
            }
            if pid == -1 {
                let error = std::io::Error::last_os_error();
                if error.kind() != std::io::ErrorKind::Interrupted {
                    return Err(BenchError::Wait { name: self.name.clone(), source: error });
                }
            }
            if Instant::now() > deadline {
                let secs = self.started.elapsed().as_secs();
                return Err(BenchError::TimedOut { name: self.name.clone(), secs });
            }
            std::thread::sleep(POLL);
        }
    }

    fn pid(&self) -> libc::pid_t {
        self.child.id() as libc::pid_t
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if !self.reaped {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn duration(time: libc::timeval) -> Duration {
    Duration::from_secs(time.tv_sec.max(0) as u64) + Duration::from_micros(time.tv_usec.max(0) as u64)
}
