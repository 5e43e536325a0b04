//! Driving the real desktop app the way a person would, through W3C WebDriver: an X server (Xvfb),
//! `tauri-driver` in front of WebKitGTK's `WebKitWebDriver`, and a small client for the few commands the tests use.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use crate::free_loopback_port;
use serde_json::{json, Value};

/// The W3C name of the key under which an element's reference travels.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A process killed when the test ends, even by a failed assertion.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A virtual screen for the app's window.
pub struct Display {
    pub name: String,
    _server: Process,
}

impl Display {
    pub fn start() -> Display {
        Display::with_size("1280x800")
    }

    /// A screen of `size` (WIDTHxHEIGHT), 24-bit colour.
    pub fn with_size(size: &str) -> Display {
        // Xvfb picks a free display number itself and writes it once it accepts clients. No reset when the last
        // client leaves, so that a picture drawn on the root window stays for the screen-sharing tests.
        let mut command = Command::new("Xvfb");
        command.args(["-displayfd", "1", "-screen", "0", &format!("{size}x24"), "-nolisten", "tcp", "-noreset"]);
        let (server, number) = spawn_announcing(command, "Xvfb (Debian package xvfb)");
        assert!(!number.is_empty(), "Xvfb did not start");
        Display { name: format!(":{number}"), _server: server }
    }
}

/// A D-Bus session bus of the test's own: the single-instance handover of the app goes through it on Linux.
pub struct SessionBus {
    pub address: String,
    _daemon: Process,
}

impl SessionBus {
    pub fn start() -> SessionBus {
        let mut command = Command::new("dbus-daemon");
        command.args(["--session", "--nofork", "--print-address"]);
        let (daemon, address) = spawn_announcing(command, "dbus-daemon (Debian package dbus)");
        SessionBus { address, _daemon: daemon }
    }
}

/// Starts a daemon that announces where it can be reached on its first line of output, and returns that line.
fn spawn_announcing(mut command: Command, what: &str) -> (Process, String) {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{what} does not start: {e}"));
    let mut line = String::new();
    let stdout = child.stdout.take().expect("stdout");
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line)
        .unwrap_or_else(|e| panic!("{what} says nothing: {e}"));
    (Process(child), line.trim().to_string())
}

/// The desktop's keyring (GNOME Keyring's Secret Service on the test's bus), created and unlocked as a login
/// would, so that the app keeps room links where a real desktop keeps them.
pub struct Keyring {
    _daemon: Process,
}

impl Keyring {
    pub fn start(bus: &SessionBus, home: &Path) -> Keyring {
        let mut daemon = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .env("XDG_DATA_HOME", home.join("data"))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon starts (Debian package gnome-keyring)");
        // The login password, as a session manager would hand it over; closing stdin ends it.
        std::io::Write::write_all(&mut daemon.stdin.take().expect("stdin"), b"palabre-test").expect("password");
        let keyring = Keyring { _daemon: Process(daemon) };
        wait_for(Duration::from_secs(10), "the Secret Service on the bus", || {
            let owner = Command::new("dbus-send")
                .args(["--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus"])
                .args(["org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.secrets"])
                .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
                .output()
                .ok()?;
            String::from_utf8_lossy(&owner.stdout).contains("boolean true").then_some(())
        });
        keyring
    }
}

/// Where the app runs: its screen, its session bus and keyring, and a home of its own, so that nothing one run
/// remembers (language, name, recent rooms, the webview's storage) changes the next.
pub struct Desktop {
    pub display: Display,
    pub bus: SessionBus,
    _keyring: Keyring,
    home: PathBuf,
    /// Where the app's sound goes (`PULSE_SERVER`), when the test gives it a sound server.
    pub sound_server: Option<String>,
}

impl Desktop {
    pub fn start(home: &Path) -> Desktop {
        let bus = SessionBus::start();
        let keyring = Keyring::start(&bus, home);
        Desktop { display: Display::start(), bus, _keyring: keyring, home: home.to_path_buf(), sound_server: None }
    }

    /// Runs a program on this desktop, as a click in the desktop environment would.
    pub fn command(&self, program: &Path) -> Command {
        let mut command = Command::new(program);
        command
            .env("DISPLAY", &self.display.name)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus.address)
            .env("XDG_CONFIG_HOME", self.home.join("config"))
            .env("XDG_DATA_HOME", self.home.join("data"))
            .env("XDG_CACHE_HOME", self.home.join("cache"))
            // Measured in shared/ENVIRONMENT.md: WebCodecs drawing is far cheaper without compositing under Xvfb.
            .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
        if let Some(server) = &self.sound_server {
            command.env("PULSE_SERVER", server);
        }
        command
    }
}

/// A WebDriver session on the Palabre app.
pub struct AppSession {
    base: String,
    agent: ureq::Agent,
    /// The app's log on this desktop, whose end a failed wait shows.
    log: PathBuf,
    _driver: Process,
}

#[derive(Clone, Debug)]
pub struct Element(String);

impl AppSession {
    /// Starts `tauri-driver`, which starts `app` with `args` on `desktop`.
    pub fn start(app: &Path, args: &[&str], desktop: &Desktop) -> AppSession {
        let port = free_loopback_port();
        let native_port = free_loopback_port();
        let driver = desktop
            .command(&tauri_driver())
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tauri-driver starts (cargo install tauri-driver; Debian package webkit2gtk-driver)");
        let driver = Process(driver);
        let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(60)).build();
        let root = format!("http://127.0.0.1:{port}");
        wait_for(Duration::from_secs(20), "tauri-driver to listen", || agent.get(&format!("{root}/status")).call().ok());
        let capabilities = json!({
            "capabilities": {"alwaysMatch": {"tauri:options": {"application": app, "args": args}}}
        });
        let response: Value = agent
            .post(&format!("{root}/session"))
            .send_json(capabilities)
            .unwrap_or_else(|e| panic!("WebDriver session on {}: {}", app.display(), describe(e)))
            .into_json()
            .expect("session JSON");
        let id = response["value"]["sessionId"].as_str().expect("a session id").to_string();
        let log = desktop.home.join("data/fr.palabre.app/logs/palabre.log");
        AppSession { base: format!("{root}/session/{id}"), agent, log, _driver: driver }
    }

    fn command(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let request = self.agent.request(method, &url);
        let response = match body {
            Some(body) => request.send_json(body),
            None => request.call(),
        };
        let response = response.unwrap_or_else(|e| panic!("WebDriver {method} {path}: {}", describe(e)));
        response.into_json::<Value>().expect("WebDriver JSON")["value"].take()
    }

    /// The first element matching `css`, if there is one now.
    pub fn find(&self, css: &str) -> Option<Element> {
        let url = format!("{}/element", self.base);
        let response = self.agent.post(&url).send_json(json!({"using": "css selector", "value": css})).ok()?;
        let value: Value = response.into_json().ok()?;
        value["value"][ELEMENT_KEY].as_str().map(|id| Element(id.to_string()))
    }

    /// Waits for an element to appear; if it does not, the failure shows what the window showed instead.
    pub fn wait_for(&self, css: &str, limit: Duration) -> Element {
        let started = Instant::now();
        loop {
            if let Some(element) = self.find(css) {
                return element;
            }
            if started.elapsed() > limit {
                let shown = self.script("return document.getElementById('screen')?.textContent");
                panic!("waited {limit:?} for {css}; the window shows: {shown}\nthe end of the app's log:\n{}", self.log_tail());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.log).unwrap_or_else(|e| format!("({}: {e})", self.log.display()));
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    pub fn click(&self, element: &Element) {
        self.command("POST", &format!("/element/{}/click", element.0), Some(json!({})));
    }

    pub fn type_into(&self, element: &Element, text: &str) {
        self.command("POST", &format!("/element/{}/clear", element.0), Some(json!({})));
        self.command("POST", &format!("/element/{}/value", element.0), Some(json!({"text": text})));
    }

    pub fn text(&self, element: &Element) -> String {
        self.command("GET", &format!("/element/{}/text", element.0), None).as_str().unwrap_or_default().to_string()
    }

    pub fn attribute(&self, element: &Element, name: &str) -> Option<String> {
        self.command("GET", &format!("/element/{}/attribute/{name}", element.0), None).as_str().map(str::to_string)
    }

    /// Presses and releases a key, as on a keyboard: it goes to whatever has the focus.
    pub fn press_key(&self, key: &str) {
        let actions = json!({"actions": [{
            "type": "key", "id": "keyboard",
            "actions": [{"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}]
        }]});
        self.command("POST", "/actions", Some(actions));
    }

    /// Runs `script` in the page and gives its result.
    pub fn script(&self, script: &str) -> Value {
        self.command("POST", "/execute/sync", Some(json!({"script": script, "args": []})))
    }

    /// Saves what the window shows, for a person to look at after the run. An artefact, not a check: when
    /// WebKitWebDriver cannot take it (it sometimes answers 500 or hangs once WebCodecs decoders have run), the
    /// test says so and goes on.
    pub fn screenshot(&self, path: &Path) {
        let url = format!("{}/screenshot", self.base);
        let taken = self.agent.get(&url).timeout(Duration::from_secs(10)).call().map_err(describe).and_then(|response| {
            let value: Value = response.into_json().map_err(|e| e.to_string())?;
            base64::engine::general_purpose::STANDARD.decode(value["value"].as_str().unwrap_or_default()).map_err(|e| e.to_string())
        });
        match taken {
            Ok(png) => {
                std::fs::create_dir_all(path.parent().expect("a directory")).expect("screenshot directory");
                std::fs::write(path, png).expect("screenshot written");
            }
            Err(error) => eprintln!("no screenshot {}: {error}", path.display()),
        }
    }
}

impl Drop for AppSession {
    fn drop(&mut self) {
        // Closing the session closes the app; the driver process goes with `_driver`.
        let _ = self.agent.delete(&self.base).call();
    }
}

/// `tauri-driver` from PATH or from cargo's bin directory (where `cargo install` puts it).
fn tauri_driver() -> std::path::PathBuf {
    let cargo_bin = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
        .map(|home| home.join("bin/tauri-driver"));
    cargo_bin.filter(|path| path.exists()).unwrap_or_else(|| "tauri-driver".into())
}

fn describe(error: ureq::Error) -> String {
    match error {
        ureq::Error::Status(code, response) => format!("HTTP {code}: {}", response.into_string().unwrap_or_default()),
        other => other.to_string(),
    }
}

/// Polls `probe` until it gives a value, or fails the test naming what it waited for.
pub fn wait_for<T>(limit: Duration, what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(value) = probe() {
            return value;
        }
        assert!(started.elapsed() < limit, "waited {limit:?} for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}
