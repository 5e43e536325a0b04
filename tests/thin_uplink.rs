//! A participant behind a thin uplink, as on a crisis site's 3G or a saturated office line: the loss the room
//! server reports makes her camera video back off until it fits, and her voice and picture keep arriving.
//!
//! The link is real: Alice's `palabre-cli` runs in a network namespace joined to the server by a veth pair whose
//! namespace end is limited with `tbf` (the test machines' kernels have no netem, which would also delay and
//! drop at random). Making namespaces needs root: the test is ignored by a plain `cargo test`, and
//! scripts/test.sh runs it with `--ignored`, as root in CI.

use std::process::{Command, Stdio};
use std::time::Duration;

use palabre_e2e::{binary, finish, join, read_report, temp_dir, Server};

/// Alice's uplink: less than half of what her video starts at (600 kbit/s at 320x180 sends about 540), so
/// without adapting most of her pictures are lost and a fifth of her voice (measured: 8 % of the pictures and
/// 82 % of the voice arrived when the encoder ignored the target).
const UPLINK: &str = "250kbit";
const CALL_SECONDS: u32 = 30;

/// A network namespace with a veth pair to this one, its outgoing side rate-limited; removed on drop.
struct ThinLink {
    namespace: String,
    /// This namespace's end of the pair.
    outside: String,
    /// The namespace's end of the pair, where the limit is.
    inside: String,
    /// The server's address on this side, and Alice's on the other.
    server_ip: String,
}

/// Names end with the test process's id, so that a link a killed run left behind can be told from a live one.
const NAMESPACE_PREFIX: &str = "palabre-thin-";

impl ThinLink {
    fn new(rate: &str) -> ThinLink {
        remove_links_of_dead_runs();
        let id = std::process::id();
        let namespace = format!("{NAMESPACE_PREFIX}{id}");
        // Interface names have at most 15 characters.
        let (outside, inside) = (format!("pth{}o", id % 1_000_000), format!("pth{}i", id % 1_000_000));
        let subnet = format!("10.231.{}", id % 250);
        let (server_ip, alice_ip) = (format!("{subnet}.1"), format!("{subnet}.2"));
        let link = ThinLink { namespace: namespace.clone(), outside: outside.clone(), inside: inside.clone(), server_ip: server_ip.clone() };
        let inside_ns = |args: &str| format!("-n {namespace} {args}");
        for args in [
            format!("netns add {namespace}"),
            format!("link add {outside} type veth peer name {inside}"),
            format!("link set {inside} netns {namespace}"),
            format!("addr add {server_ip}/24 dev {outside}"),
            format!("link set {outside} up"),
            inside_ns(&format!("addr add {alice_ip}/24 dev {inside}")),
            inside_ns(&format!("link set {inside} up")),
            inside_ns("link set lo up"),
        ] {
            run("ip", &args);
        }
        // A queue of at most 100 ms, as a modem's buffer: beyond it packets are dropped, which is the loss the
        // receiver reports.
        run("ip", &format!("netns exec {namespace} tc qdisc add dev {inside} root tbf rate {rate} burst 8kb latency 100ms"));
        link
    }
}

impl Drop for ThinLink {
    fn drop(&mut self) {
        // Deleting the namespace deletes the veth pair with it; the pair is deleted first in case the setup
        // stopped before moving one end into the namespace.
        let _ = Command::new("ip").args(["link", "del", &self.outside]).stderr(Stdio::null()).status();
        let _ = Command::new("ip").args(["netns", "del", &self.namespace]).stderr(Stdio::null()).status();
    }
}

/// A run killed before its links were dropped leaves its namespace and address behind, which a later run on the
/// same subnet would collide with.
fn remove_links_of_dead_runs() {
    let list = Command::new("ip").args(["netns", "list"]).output().expect("ip runs");
    for line in String::from_utf8_lossy(&list.stdout).lines() {
        let Some(name) = line.split_whitespace().next() else { continue };
        let Some(pid) = name.strip_prefix(NAMESPACE_PREFIX) else { continue };
        if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            let _ = Command::new("ip").args(["netns", "del", name]).status();
        }
    }
}

fn run(program: &str, args: &str) {
    let output = Command::new(program).args(args.split(' ')).output().unwrap_or_else(|e| panic!("{program} runs: {e}"));
    assert!(output.status.success(), "`{program} {args}` failed (this test needs root): {}", String::from_utf8_lossy(&output.stderr));
}

#[test]
#[ignore = "needs root (a network namespace): scripts/test.sh runs it"]
fn video_backs_off_to_a_thin_uplink_and_voice_and_picture_keep_arriving() {
    let dir = temp_dir("thin-uplink");
    let link = ThinLink::new(UPLINK);
    let server = Server::start_on(&format!("{}:0", link.server_ip), "Terrain", &dir, &[]);
    let (alice_report, bob_report) = (dir.join("alice.json"), dir.join("bob.json"));
    let bob = join(&server.guest_link, "Bob (Préfecture)", &["--size", "320x180", "--duration", &(CALL_SECONDS + 4).to_string(), "--report", bob_report.to_str().unwrap()]);
    std::thread::sleep(Duration::from_secs(1));
    let alice = Command::new("ip")
        .args(["netns", "exec", &link.namespace])
        .arg(binary("palabre-cli"))
        .args(["join", &server.host_link, "--name", "Alice (Terrain)", "--size", "320x180", "--duration", &CALL_SECONDS.to_string()])
        .arg("--report")
        .arg(&alice_report)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("palabre-cli starts in the namespace");
    let (alice, bob) = (finish(alice, Duration::from_secs(90)), finish(bob, Duration::from_secs(90)));
    // What the link itself saw: bytes and packets through, packets dropped for want of room.
    let queue = Command::new("ip").args(["netns", "exec", &link.namespace, "tc", "-s", "qdisc", "show", "dev", &link.inside]).output().unwrap();
    println!("Alice's uplink: {}", String::from_utf8_lossy(&queue.stdout).lines().find(|line| line.contains("dropped")).unwrap_or("?").trim());
    assert!(alice.status.success(), "alice: {}", alice.stderr);
    assert!(bob.status.success(), "bob: {}", bob.stderr);

    let (alice, bob) = (read_report(&alice_report), read_report(&bob_report));
    let from_alice = &bob["participants"][0];
    assert_eq!(from_alice["name"], "Alice (Terrain)");
    let number = |value: &serde_json::Value| value.as_u64().unwrap_or_else(|| panic!("a number: {value}")) as f64;
    let target = number(&alice["sent"]["video_target_kbps"]);
    let sent_kbps = number(&alice["sent"]["bytes"]) * 8.0 / 1000.0 / f64::from(CALL_SECONDS);
    let (first, last) = (number(&from_alice["video_frame_numbers"][0]), number(&from_alice["video_frame_numbers"][1]));
    let pictures = number(&from_alice["video_frames_decoded"]) / (last - first + 1.0);
    let voice = number(&from_alice["audio_frames_decoded"]) / number(&alice["sent"]["audio_frames"]);
    println!(
        "uplink {UPLINK}: Alice's video target at the end {target} kbit/s, sent {sent_kbps:.0} kbit/s on average; \
         Bob decoded {:.0} % of her pictures and {:.0} % of her voice ({} frames repaired, {} packets lost)",
        pictures * 100.0,
        voice * 100.0,
        from_alice["audio_frames_repaired"],
        from_alice["packets_lost"],
    );
    assert!(target < 450.0, "the video target ({target} kbit/s) came down from 600 towards the {UPLINK} link");
    assert!(pictures > 0.7, "Bob decoded {:.0} % of Alice's pictures", pictures * 100.0);
    assert!(voice > 0.9, "Bob decoded {:.0} % of Alice's voice", voice * 100.0);
}
