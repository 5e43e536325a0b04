//! A PulseAudio server of the test's own (Debian's `pulseaudio`, as a user daemon in a private directory), with
//! null sinks as speakers whose monitors serve as microphones: real audio devices on a machine without a sound
//! card. Clients reach it through `PULSE_SERVER`, so tests running side by side do not hear each other.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct PulseAudio {
    child: Child,
    dir: PathBuf,
    /// `unix:/…/native`, the value of PULSE_SERVER for clients.
    pub server: String,
}

impl PulseAudio {
    /// Starts the daemon in `dir`; panics with its log if it does not come up (CI installs it: a test that needs
    /// it must fail, not skip).
    pub fn start(dir: &Path) -> PulseAudio {
        let dir = dir.join("pulse");
        std::fs::create_dir_all(&dir).expect("pulse dir");
        let socket = dir.join("native");
        let log = std::fs::File::create(dir.join("log")).expect("pulse log");
        let child = Command::new("pulseaudio")
            .args(["--daemonize=no", "-n", "--exit-idle-time=-1", "--use-pid-file=no", "--log-target=stderr"])
            .arg(format!("--load=module-native-protocol-unix auth-anonymous=1 socket={}", socket.display()))
            .env("HOME", &dir)
            .env("XDG_RUNTIME_DIR", &dir)
            .env("PULSE_RUNTIME_PATH", dir.join("runtime"))
            .env("PULSE_STATE_PATH", dir.join("state"))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("pulseaudio must be installed (scripts/install-deps.sh)");
        let pulse = PulseAudio { child, server: format!("unix:{}", socket.display()), dir };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !pulse.pactl(&["info"]).status.success() {
            assert!(Instant::now() < deadline, "PulseAudio did not start:\n{}", pulse.log());
            std::thread::sleep(Duration::from_millis(100));
        }
        pulse
    }

    /// Adds a null sink (a speaker that plays into nothing; `NAME.monitor` captures what it plays) at `rate`.
    /// Returns the module index, to unload it.
    pub fn null_sink(&self, name: &str, rate: u32) -> String {
        self.load_module(
            "module-null-sink",
            &[&format!("sink_name={name}"), &format!("rate={rate}"), &format!("sink_properties=device.description={name}")],
        )
    }

    /// Copies what `source` captures into `sink` after `latency_ms`: a speaker heard by a microphone in the
    /// same room. Returns the module index.
    pub fn loopback(&self, source: &str, sink: &str, latency_ms: u32) -> String {
        self.load_module(
            "module-loopback",
            &[
                &format!("source={source}"),
                &format!("sink={sink}"),
                &format!("latency_msec={latency_ms}"),
                "source_dont_move=true",
                "sink_dont_move=true",
            ],
        )
    }

    /// Loads `module` with `args`; returns its index, to unload it.
    pub fn load_module(&self, module: &str, args: &[&str]) -> String {
        let run = self.pactl(&[&["load-module", module], args].concat());
        assert!(run.status.success(), "{module} {args:?}: {}", String::from_utf8_lossy(&run.stderr));
        String::from_utf8_lossy(&run.stdout).trim().to_owned()
    }

    /// Makes `source` the system's default microphone.
    pub fn set_default_source(&self, source: &str) {
        let run = self.pactl(&["set-default-source", source]);
        assert!(run.status.success(), "default source {source}: {}", String::from_utf8_lossy(&run.stderr));
    }

    /// Makes `sink` the system's default speaker.
    pub fn set_default_sink(&self, sink: &str) {
        let run = self.pactl(&["set-default-sink", sink]);
        assert!(run.status.success(), "default sink {sink}: {}", String::from_utf8_lossy(&run.stderr));
    }

    /// Removes a module, e.g. a sink: its monitor vanishes like an unplugged microphone.
    pub fn unload(&self, module: &str) {
        let run = self.pactl(&["unload-module", module]);
        assert!(run.status.success(), "unload {module}: {}", String::from_utf8_lossy(&run.stderr));
    }

    /// Plays a WAV file into `sink` and waits until it has played.
    pub fn play(&self, sink: &str, wav: &Path) {
        let status = self.client("paplay").arg(format!("--device={sink}")).arg(wav).status().expect("paplay runs");
        assert!(status.success(), "paplay into {sink}");
    }

    /// Starts recording `source` as raw 48 kHz mono s16le samples (no header to finish, so the recorder can
    /// simply be killed); read them with [`read_raw_samples`].
    pub fn record_raw(&self, source: &str, raw: &Path) -> Child {
        self.client("parec")
            .args([&format!("--device={source}"), "--raw", "--rate=48000", "--channels=1", "--format=s16le", "--latency-msec=20"])
            .arg(raw)
            .spawn()
            .expect("parec runs")
    }

    /// A command talking to this server.
    pub fn client(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command.env("PULSE_SERVER", &self.server).env("HOME", &self.dir).stdout(Stdio::null()).stderr(Stdio::piped());
        command
    }

    fn pactl(&self, args: &[&str]) -> std::process::Output {
        self.client("pactl").args(args).stdout(Stdio::piped()).output().expect("pactl runs")
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("log")).unwrap_or_default()
    }
}

/// The samples [`PulseAudio::record_raw`] wrote.
pub fn read_raw_samples(raw: &Path) -> Vec<i16> {
    let bytes = std::fs::read(raw).expect("raw recording");
    bytes.chunks_exact(2).map(|b| i16::from_le_bytes([b[0], b[1]])).collect()
}

impl Drop for PulseAudio {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
