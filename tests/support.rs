//! Running Palabre's binaries as a user would: separate processes, real sockets, their stdout, stderr and
//! reports. The binaries come from the same target directory as the test (`cargo build --workspace` first).

pub mod media_check;
pub mod pulse_audio;
pub mod webdriver;

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
        Server::start_on("127.0.0.1:0", room, data_dir, flags)
    }

    /// Listening on `listen` (an address and port, port 0 for any free one) rather than loopback.
    pub fn start_on(listen: &str, room: &str, data_dir: &Path, flags: &[&str]) -> Server {
        let mut child = Command::new(binary("palabre-server"))
            .args(["--listen", listen, "--room", room, "--data-dir"])
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
    join_with_env(link, name, args, &[])
}

/// [`join`] with more environment variables, e.g. the PulseAudio server to use.
pub fn join_with_env(link: &str, name: &str, args: &[&str], env: &[(&str, &str)]) -> Child {
    Command::new(binary("palabre-cli"))
        .args(["join", link, "--name", name])
        .args(args)
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("palabre-cli starts")
}

/// What a finished process left behind.
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Waits for `child`, killing it after `limit` (a safety net so a hang fails the test instead of the CI run).
pub fn finish(mut child: Child, limit: Duration) -> Finished {
    // Read the pipes while the process runs: a chatty process would block on a full pipe otherwise.
    fn drain(pipe: Option<impl std::io::Read + Send + 'static>) -> std::thread::JoinHandle<String> {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_string(&mut text);
            }
            text
        })
    }
    let (stdout, stderr) = (drain(child.stdout.take()), drain(child.stderr.take()));
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("process still running after {limit:?}; its stderr:\n{}", stderr.join().unwrap_or_default());
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Finished { status, stdout: stdout.join().unwrap_or_default(), stderr: stderr.join().unwrap_or_default() }
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

/// A browser guest: headless Chromium with the official janus.js joins `room` on `janus` for `seconds`, then
/// prints a JSON line of what it decoded (tests/browser/guest.mjs).
pub fn browser_guest(janus: &Janus, room: u64, name: &str, seconds: u32) -> Child {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("browser");
    assert!(
        dir.join("node_modules/playwright-core").exists() && Path::new("/usr/bin/chromium").exists(),
        "the browser guest needs Chromium and its npm packages: run scripts/test.sh, or `npm ci --prefix tests/browser`"
    );
    Command::new("node")
        .arg(dir.join("guest.mjs"))
        .args(["--janus", &format!("ws://127.0.0.1:{}", janus.port), "--room", &room.to_string()])
        .args(["--name", name, "--seconds", &seconds.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs the browser guest")
}

pub fn read_report(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("report {}: {e}", path.display()));
    serde_json::from_str(&text).expect("the report is JSON")
}

// --- Janus ---

/// The test rooms every [`Janus`] has: an open room whose secret makes a moderator, and a room with a PIN.
/// Both take six publishers at 1 Mbit/s (the stock demo room 1234 caps video at 128 kbit/s).
pub const JANUS_ROOM: u64 = 4321;
pub const JANUS_SECRET: &str = "secret-palabre";
pub const JANUS_PIN_ROOM: u64 = 4322;
pub const JANUS_PIN: &str = "2468";
/// A room that takes one publisher: the second to join finds it full.
pub const JANUS_ONE_SEAT_ROOM: u64 = 4323;

/// What a test's Janus has beyond the defaults.
#[derive(Default)]
pub struct JanusSetup {
    /// Secure WebSockets too (on a second port), with this certificate.
    pub tls: Option<ServerCertificate>,
    /// Janus' `session_timeout` in seconds, 60 when `None`.
    pub session_timeout: Option<u32>,
}

/// A certificate authority of the test's own and a certificate it signed for `127.0.0.1` and `localhost`, as
/// PEM files in a test directory: what an organisation's Janus has, with an authority nobody else trusts.
pub struct ServerCertificate {
    /// The authority's certificate, for `SSL_CERT_FILE`.
    pub authority: PathBuf,
    pub certificate: PathBuf,
    pub key: PathBuf,
    /// The server certificate's `sha256:…` fingerprint, as links pin it.
    pub fingerprint: String,
}

impl ServerCertificate {
    pub fn create(dir: &Path) -> ServerCertificate {
        use rcgen::{BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose};
        use sha2::Digest;
        let authority_key = KeyPair::generate().expect("a key pair");
        let mut authority = CertificateParams::new(Vec::<String>::new()).expect("authority parameters");
        authority.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        authority.distinguished_name.push(DnType::CommonName, "Palabre test authority");
        authority.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::DigitalSignature];
        let authority = authority.self_signed(&authority_key).expect("the authority's certificate");
        let key = KeyPair::generate().expect("a key pair");
        let mut server = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()]).expect("names");
        server.distinguished_name.push(DnType::CommonName, "janus.test");
        server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let server = server.signed_by(&key, &authority, &authority_key).expect("the server's certificate");
        let hex: String = sha2::Sha256::digest(server.der()).iter().map(|b| format!("{b:02x}")).collect();
        let files = ServerCertificate {
            authority: dir.join("authority.pem"),
            certificate: dir.join("janus.pem"),
            key: dir.join("janus.key"),
            fingerprint: format!("sha256:{hex}"),
        };
        for (path, pem) in [(&files.authority, authority.pem()), (&files.certificate, server.pem()), (&files.key, key.serialize_pem())] {
            std::fs::write(path, pem).expect("write a PEM file");
        }
        files
    }
}

/// Debian's Janus gateway, started for one test from a copy of /etc/janus: only the WebSocket transport (on a
/// free loopback port, no admin API, no HTTP) and only the VideoRoom plugin. Killed on drop. Janus runs in
/// ICE-lite mode: in full ICE mode its subscriber connections to webrtc-rs were slow or failed to connect (see
/// docs/PROTOCOL.md, "Janus VideoRoom"). Its candidates are this machine's own addresses (libnice skips loopback).
pub struct Janus {
    child: Child,
    pub port: u16,
    /// Secure WebSockets, when the setup asked for them.
    pub tls_port: Option<u16>,
    /// The config copy and `janus.log`.
    pub dir: PathBuf,
    /// From spawning the process to its WebSocket port accepting connections.
    pub started_in: Duration,
}

impl Janus {
    /// Starts Janus, or fails the test saying how to install it: a missing Janus must not pass silently.
    pub fn start(test: &str) -> Janus {
        Janus::start_with(test, &JanusSetup::default())
    }

    pub fn start_with(test: &str, setup: &JanusSetup) -> Janus {
        let binary = Path::new("/usr/bin/janus");
        assert!(
            binary.exists(),
            "Janus is not installed ({} is missing): run scripts/install-deps.sh (Debian package `janus`)",
            binary.display()
        );
        let dir = temp_dir(&format!("janus-{test}"));
        copy_dir(Path::new("/etc/janus"), &dir);
        let port = free_loopback_port();
        let tls_port = setup.tls.as_ref().map(|_| free_loopback_port());
        write_janus_config(&dir, port, tls_port, setup);
        let started = Instant::now();
        let mut child = Command::new(binary)
            .arg("--configs-folder")
            .arg(&dir)
            .arg("--config")
            .arg(dir.join("janus.jcfg"))
            .arg("--log-file")
            .arg(dir.join("janus.log"))
            .args(["--disable-stdout", "--disable-colors", "--debug-timestamps"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("janus starts");
        let listening = |port: u16| std::net::TcpStream::connect(("127.0.0.1", port)).is_ok();
        loop {
            if listening(port) && tls_port.is_none_or(listening) {
                break;
            }
            if let Some(status) = child.try_wait().expect("wait for janus") {
                let log = std::fs::read_to_string(dir.join("janus.log")).unwrap_or_default();
                panic!("janus exited ({status}) before listening on port {port}:\n{log}");
            }
            if started.elapsed() > Duration::from_secs(15) {
                let _ = child.kill();
                panic!("janus did not listen on port {port} within 15 s; see {}", dir.join("janus.log").display());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Janus { child, port, tls_port, dir, started_in: started.elapsed() }
    }

    /// `janus+ws://127.0.0.1:PORT/ROOM` with `query` (e.g. `pin=2468`) appended when not empty.
    pub fn link(&self, room: u64, query: &str) -> String {
        let query = if query.is_empty() { String::new() } else { format!("?{query}") };
        format!("janus+ws://127.0.0.1:{}/{room}{query}", self.port)
    }

    /// `janus+wss://127.0.0.1:TLS_PORT/ROOM` with `query` (e.g. `fp=sha256:…`) appended when not empty.
    pub fn tls_link(&self, room: u64, query: &str) -> String {
        let port = self.tls_port.expect("a Janus started with TLS");
        let query = if query.is_empty() { String::new() } else { format!("?{query}") };
        format!("janus+wss://127.0.0.1:{port}/{room}{query}")
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("janus.log")).unwrap_or_default()
    }
}

impl Drop for Janus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nobody listens on now (the OS picks it; a race with another process is possible but unlikely).
pub fn free_loopback_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().expect("local address").port()
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display())) {
        let entry = entry.expect("directory entry");
        if entry.file_type().map(|t| t.is_file()).unwrap_or(false) {
            std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy a Janus config file");
        }
    }
}

/// Janus' log level: 4 (warnings and the main steps) unless `PALABRE_JANUS_DEBUG` says otherwise (up to 7).
fn janus_debug_level() -> u8 {
    std::env::var("PALABRE_JANUS_DEBUG").ok().and_then(|level| level.parse().ok()).unwrap_or(4)
}

/// Overwrites the three files that matter with what a test needs.
fn write_janus_config(dir: &Path, port: u16, tls_port: Option<u16>, setup: &JanusSetup) {
    const LIB: &str = "/usr/lib/x86_64-linux-gnu/janus";
    let other_plugins = ["audiobridge", "duktape", "echotest", "lua", "nosip", "recordplay", "sip", "streaming", "textroom", "videocall", "voicemail"]
        .map(|p| format!("libjanus_{p}.so"))
        .join(",");
    let other_transports = ["http", "mqtt", "nanomsg", "pfunix", "rabbitmq"].map(|t| format!("libjanus_{t}.so")).join(",");
    let main = format!(
        r#"general: {{
	configs_folder = "{dir}"
	plugins_folder = "{LIB}/plugins"
	transports_folder = "{LIB}/transports"
	events_folder = "{LIB}/events"
	loggers_folder = "{LIB}/loggers"
	debug_level = {debug_level}
	session_timeout = {session_timeout}
}}
nat: {{
	nice_debug = false
	ice_lite = true
	ignore_mdns = true
}}
plugins: {{
	disable = "{other_plugins}"
}}
transports: {{
	disable = "{other_transports}"
}}
events: {{
	broadcast = false
}}
"#,
        dir = dir.display(),
        debug_level = janus_debug_level(),
        session_timeout = setup.session_timeout.unwrap_or(60),
    );
    // The WebSocket transport has a certificate of its own (Janus' DTLS makes one).
    let (wss, certificates) = match (tls_port, &setup.tls) {
        (Some(tls_port), Some(tls)) => (
            format!("wss = true\n\twss_port = {tls_port}\n\twss_ip = \"127.0.0.1\""),
            format!("certificates: {{\n\tcert_pem = \"{}\"\n\tcert_key = \"{}\"\n}}", tls.certificate.display(), tls.key.display()),
        ),
        _ => ("wss = false".to_string(), String::new()),
    };
    let websockets = format!(
        r#"general: {{
	json = "plain"
	ws = true
	ws_port = {port}
	ws_ip = "127.0.0.1"
	{wss}
}}
admin: {{
	admin_ws = false
	admin_wss = false
}}
{certificates}
"#
    );
    let videoroom = format!(
        r#"general: {{
}}
room-{JANUS_ROOM}: {{
	description = "Palabre test room"
	secret = "{JANUS_SECRET}"
	publishers = 6
	bitrate = 1000000
	fir_freq = 10
}}
room-{JANUS_PIN_ROOM}: {{
	description = "Palabre test room with a PIN"
	pin = "{JANUS_PIN}"
	publishers = 6
	bitrate = 1000000
	fir_freq = 10
}}
room-{JANUS_ONE_SEAT_ROOM}: {{
	description = "Palabre test room for one publisher"
	publishers = 1
}}
"#
    );
    for (file, text) in [
        ("janus.jcfg", main),
        ("janus.transport.websockets.jcfg", websockets),
        ("janus.plugin.videoroom.jcfg", videoroom),
    ] {
        std::fs::write(dir.join(file), text).expect("write a Janus config file");
    }
}
