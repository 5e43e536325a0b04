//! The installers in dist/, checked as IT would use them: the MSI's tables, a silent install under Wine with
//! policy properties, upgrades and downgrades; the .deb installed with dpkg on this machine.
//!
//! They need `packaging/build-all` to have run, and root (dpkg -i changes this machine), so they are ignored in
//! a plain `cargo test`; scripts/test.sh builds the packages and runs them with `--ignored`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use palabre_e2e::temp_dir;

const WEBVIEW2_KEY: &str = r"HKLM\Software\Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}";
/// Windows Installer's "fatal error" exit code; a process exit status under Wine keeps only its low byte.
const ERROR_INSTALL_FAILURE: i32 = 1603 % 256;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

/// The workspace version, which names the packages.
fn version() -> String {
    let manifest = std::fs::read_to_string(repo().join("Cargo.toml")).unwrap();
    let section = manifest.split("[workspace.package]").nth(1).expect("[workspace.package]");
    let line = section.lines().find(|l| l.starts_with("version = ")).expect("version");
    line.trim_start_matches("version = ").trim_matches('"').to_string()
}

/// `show-policy.exe`, palabre-policy's example built for Windows (scripts/test.sh builds it before these tests).
fn show_policy_exe() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // target/debug/deps/packaging-HASH → target/
    let target = exe.ancestors().nth(3).expect("target directory");
    let path = target.join("x86_64-pc-windows-gnu/debug/examples/show-policy.exe");
    assert!(
        path.exists(),
        "{} is missing: cargo build -p palabre-policy --example show-policy --target x86_64-pc-windows-gnu",
        path.display()
    );
    path
}

fn msi() -> PathBuf {
    let path = repo().join(format!("dist/palabre-{}-x64.msi", version()));
    assert!(path.exists(), "{} is missing: run packaging/build-all", path.display());
    path
}

fn deb() -> PathBuf {
    let path = repo().join(format!("dist/palabre_{}_amd64.deb", version()));
    assert!(path.exists(), "{} is missing: run packaging/build-all", path.display());
    path
}

/// Runs a command that must succeed; its stdout.
fn run(command: &mut Command) -> String {
    let output = command.output().unwrap_or_else(|e| panic!("{command:?} did not start: {e}"));
    assert!(output.status.success(), "{command:?} failed ({}): {}", output.status, text(&output.stderr));
    text(&output.stdout)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// One table of an MSI as `msiinfo export` prints it (IDT: CRLF lines, tab-separated): rows of columns, without
/// the three header lines.
fn msi_table(msi: &Path, table: &str) -> Vec<Vec<String>> {
    let out = run(Command::new("msiinfo").arg("export").arg(msi).arg(table));
    out.lines().skip(3).map(|line| line.trim_end_matches('\r').split('\t').map(str::to_string).collect()).collect()
}

fn property(msi: &Path, name: &str) -> Option<String> {
    msi_table(msi, "Property").into_iter().find(|row| row[0] == name).map(|row| row[1].clone())
}

/// The MSI ships palabre.exe and WebView2Loader.dll only: the exe must need no MinGW runtime DLL (libstdc++,
/// libgcc, winpthread), which a Windows machine does not have. OpenH264 is C++: its standard library is linked
/// statically (packaging/build-all).
#[test]
#[ignore = "needs the Windows exe from packaging/build-all: scripts/test.sh runs it"]
fn the_windows_exe_needs_only_windows_own_dlls_and_webview2_loader_and_starts() {
    let exe = std::env::current_exe().unwrap();
    // target/debug/deps/packaging-HASH → target/
    let target = exe.ancestors().nth(3).expect("target directory");
    let palabre = target.join("x86_64-pc-windows-gnu/dist/palabre.exe");
    let headers = run(Command::new("x86_64-w64-mingw32-objdump").arg("-p").arg(&palabre));
    let dlls: Vec<String> =
        headers.lines().filter_map(|line| line.trim().strip_prefix("DLL Name: ")).map(str::to_lowercase).collect();
    assert!(dlls.contains(&"webview2loader.dll".to_string()), "{dlls:?}");
    for runtime in ["libstdc++", "libgcc", "libwinpthread"] {
        assert!(!dlls.iter().any(|dll| dll.starts_with(runtime)), "palabre.exe imports {runtime}: {dlls:?}");
    }
    // And it starts: Wine has no MinGW runtime DLL either, so one missing fails here as on Windows.
    let version = run(Command::new(repo().join("packaging/windows/wine/run")).arg(&palabre).arg("--version"));
    assert!(version.starts_with("palabre "), "{version}");
}

#[test]
#[ignore = "needs dist/ from packaging/build-all, and root: scripts/test.sh runs it"]
fn msi_tables_hold_the_files_shortcut_link_handler_policies_and_upgrades() {
    let msi = msi();
    assert_eq!(property(&msi, "ProductVersion").as_deref(), Some(version().as_str()));
    assert_eq!(property(&msi, "ALLUSERS").as_deref(), Some("1"), "per-machine install");

    let files: Vec<String> = msi_table(&msi, "File").into_iter().map(|row| row[2].clone()).collect();
    assert_eq!(files, ["palabre.exe", "WebView2Loader.dll"]);
    let directories = msi_table(&msi, "Directory");
    assert!(directories.iter().any(|r| r[0] == "INSTALLDIR" && r[1] == "ProgramFiles64Folder" && r[2] == "Palabre"));

    let shortcuts = msi_table(&msi, "Shortcut");
    assert_eq!(shortcuts.len(), 1);
    assert_eq!((shortcuts[0][1].as_str(), shortcuts[0][2].as_str()), ("ProgramMenuFolder", "Palabre"));

    // Registry rows: (root 2 = HKLM, key, name, value).
    let registry: Vec<(String, String, String)> = msi_table(&msi, "Registry")
        .into_iter()
        .inspect(|row| assert_eq!(row[1], "2", "everything under HKLM: {row:?}"))
        .map(|row| (row[2].trim_end_matches('\\').to_string(), row[3].clone(), row[4].clone()))
        .collect();
    let has = |key: &str, name: &str, value: &str| registry.iter().any(|(k, n, v)| k == key && n == name && v == value);
    assert!(has(r"Software\Classes\palabre", "URL Protocol", ""), "{registry:?}");
    assert!(has(r"Software\Classes\palabre\shell\open\command", "", r#""[INSTALLDIR]palabre.exe" "%1""#));
    let components = msi_table(&msi, "Component");
    for (name, property) in [
        ("DefaultServer", "DEFAULTSERVER"),
        ("AllowedServers", "ALLOWEDSERVERS"),
        ("DisableHosting", "DISABLEHOSTING"),
        ("DisableRecording", "DISABLERECORDING"),
    ] {
        assert!(has(r"Software\Policies\Palabre", name, &format!("[{property}]")), "{name}: {registry:?}");
        // Written only when given: the component holding the value is conditioned on its property (and removed
        // on uninstall whatever the properties then).
        let component = components.iter().find(|c| c[0] == format!("Policy{name}")).expect(name);
        assert_eq!(component[4], format!("{property} OR REMOVE~=\"ALL\""), "{component:?}");
        let secure = property_list(&msi, "SecureCustomProperties");
        assert!(secure.contains(&property.to_string()), "{property} must pass to a managed install");
    }

    let upgrade = msi_table(&msi, "Upgrade");
    let code = property(&msi, "UpgradeCode").unwrap();
    let older = upgrade.iter().find(|r| r[6] == "WIX_UPGRADE_DETECTED").expect("upgrade row");
    assert_eq!((older[0].as_str(), older[1].as_str(), older[2].as_str()), (code.as_str(), "", version().as_str()));
    assert_eq!(older[4], "513", "older and same versions are removed");
    let newer = upgrade.iter().find(|r| r[6] == "WIX_DOWNGRADE_DETECTED").expect("downgrade row");
    assert_eq!((newer[1].as_str(), newer[4].as_str()), (version().as_str(), "2"), "newer ones only detected");
    let conditions: Vec<String> = msi_table(&msi, "LaunchCondition").into_iter().map(|r| r[0].clone()).collect();
    assert!(conditions.contains(&"NOT WIX_DOWNGRADE_DETECTED".to_string()), "{conditions:?}");
    assert!(conditions.iter().any(|c| c.contains("WEBVIEW2_MACHINE")), "{conditions:?}");
}

fn property_list(msi: &Path, name: &str) -> Vec<String> {
    property(msi, name).unwrap_or_default().split(';').map(str::to_string).collect()
}

/// A Wine prefix of its own, removed at the end.
struct Wine {
    prefix: PathBuf,
}

impl Wine {
    fn new(test: &str) -> Wine {
        let wine = Wine { prefix: temp_dir(test).join("wine") };
        run(wine.command("wineboot").arg("-i"));
        wine
    }

    fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut command = Command::new(program);
        command
            .env("WINEPREFIX", &self.prefix)
            .env("WINEDEBUG", "-all")
            // No Mono or Gecko: wineboot would offer to download them.
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
            .env_remove("DISPLAY");
        command
    }

    fn wine(&self, args: &[&str]) -> Output {
        self.command("wine").args(args).output().expect("wine")
    }

    /// `msiexec ARGS`; the exit code (its low byte, as Wine gives it).
    fn msiexec(&self, args: &[&str]) -> i32 {
        let mut all = vec!["msiexec"];
        all.extend_from_slice(args);
        self.wine(&all).status.code().expect("exit code")
    }

    /// The values of a registry key (`NAME REG_SZ VALUE` lines), or None when the key does not exist.
    fn reg_values(&self, key: &str) -> Option<HashMap<String, String>> {
        let out = self.wine(&["reg", "query", key]);
        if !out.status.success() {
            return None;
        }
        let values = text(&out.stdout)
            .lines()
            .filter_map(|line| {
                let mut parts = line.trim().splitn(3, "    ");
                let (name, kind) = (parts.next()?, parts.next()?);
                kind.starts_with("REG_").then(|| (name.to_string(), parts.next().unwrap_or("").to_string()))
            })
            .collect();
        Some(values)
    }

    /// Runs a Rust program built for Windows in this prefix (packaging/windows/wine/run); its stdout.
    fn run_rust(&self, exe: &Path, args: &[&str]) -> String {
        run(self.command(repo().join("packaging/windows/wine/run")).arg(exe).args(args))
    }

    fn add_webview2(&self) {
        // EdgeUpdate is a 32-bit program: it registers WebView2 in the 32-bit view, where the MSI looks.
        let add = ["reg", "add", WEBVIEW2_KEY, "/v", "pv", "/t", "REG_SZ", "/d", "131.0.2903.70", "/reg:32", "/f"];
        assert!(self.wine(&add).status.success());
    }

    fn program_files(&self) -> PathBuf {
        self.prefix.join("drive_c/Program Files/Palabre")
    }

    /// The installed products' codes, from the Uninstall key.
    fn installed_products(&self) -> Vec<String> {
        let out = self.wine(&["reg", "query", r"HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall"]);
        text(&out.stdout)
            .lines()
            .filter_map(|l| l.trim().rsplit('\\').next())
            .filter(|k| k.starts_with('{'))
            .map(str::to_string)
            .collect()
    }
}

impl Drop for Wine {
    fn drop(&mut self) {
        let _ = self.command("wineserver").arg("-k").status();
        let _ = std::fs::remove_dir_all(self.prefix.parent().unwrap());
    }
}

#[test]
#[ignore = "needs dist/ from packaging/build-all, and root: scripts/test.sh runs it"]
fn msi_installs_silently_under_wine_writes_only_the_policies_given_and_uninstalls() {
    let msi = msi();
    let msi_path = msi.to_str().unwrap();
    let wine = Wine::new("msi-install");

    // Without the WebView2 runtime the launch condition stops the install, and nothing lands.
    assert_eq!(wine.msiexec(&["/i", msi_path, "/qn"]), ERROR_INSTALL_FAILURE);
    assert!(!wine.program_files().exists());

    wine.add_webview2();
    let code = wine.msiexec(&[
        "/i",
        msi_path,
        "/qn",
        "DEFAULTSERVER=visio.example.org:7443",
        "ALLOWEDSERVERS=visio.example.org;*.mairie.example.fr",
        "DISABLEHOSTING=1",
    ]);
    assert_eq!(code, 0, "silent install");

    // Each installed file is the one in the package (sizes from the File table).
    for row in msi_table(&msi, "File") {
        let installed = wine.program_files().join(&row[2]);
        let size = std::fs::metadata(&installed).unwrap_or_else(|_| panic!("{} missing", installed.display())).len();
        assert_eq!(size.to_string(), row[3], "{}", row[2]);
    }
    // Wine keeps one Start menu for all users; Windows puts a per-machine shortcut in the common one.
    let menus = ["drive_c/ProgramData/Microsoft/Windows/Start Menu/Programs", "drive_c/users"];
    let shortcut = find_file(&wine.prefix, "Palabre.lnk");
    assert!(
        shortcut.as_ref().is_some_and(|p| menus.iter().any(|m| p.starts_with(wine.prefix.join(m)))),
        "{shortcut:?}"
    );

    let policies = wine.reg_values(r"HKLM\Software\Policies\Palabre").expect("policy key");
    let expected: HashMap<String, String> = [
        ("DefaultServer", "visio.example.org:7443"),
        ("AllowedServers", "visio.example.org;*.mairie.example.fr"),
        ("DisableHosting", "1"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(policies, expected, "DisableRecording was not given, so it is not written");

    let protocol = wine.reg_values(r"HKLM\Software\Classes\palabre").expect("palabre:// key");
    assert_eq!(protocol.get("URL Protocol").map(String::as_str), Some(""));
    let command = wine.reg_values(r"HKLM\Software\Classes\palabre\shell\open\command").expect("open command");
    assert_eq!(command["(Default)"], r#""C:\Program Files\Palabre\palabre.exe" "%1""#);

    // What Palabre makes of it: palabre-policy reading this registry through the Windows API.
    let shown =
        wine.run_rust(&show_policy_exe(), &["visio.example.org", "salle.mairie.example.fr", "evil.example.com"]);
    let lines: Vec<&str> = shown.lines().map(str::trim_end).collect();
    for line in [
        "source: Registry",
        "DefaultServer: visio.example.org:7443 (managed by your organisation)",
        "AllowedServers: - (managed by your organisation)",
        "DisableHosting: true (managed by your organisation)",
        "DisableRecording: false",
        "allowed: visio.example.org",
        "allowed: salle.mairie.example.fr",
        r"refused: the server evil.example.com is not allowed by your organisation (policy AllowedServers in HKLM\Software\Policies\Palabre): ask your IT department",
    ] {
        assert!(lines.contains(&line), "{line:?} in:\n{shown}");
    }
    assert!(!shown.contains("warning"), "{shown}");

    assert_eq!(wine.msiexec(&["/x", msi_path, "/qn"]), 0, "silent uninstall");
    assert!(!wine.program_files().join("palabre.exe").exists());
    assert_eq!(wine.reg_values(r"HKLM\Software\Policies\Palabre").unwrap_or_default(), HashMap::new());
    assert_eq!(wine.reg_values(r"HKLM\Software\Classes\palabre\shell\open\command"), None);
    assert_eq!(find_file(&wine.prefix, "Palabre.lnk"), None);
}

#[test]
#[ignore = "needs dist/ from packaging/build-all, and root: scripts/test.sh runs it"]
fn a_newer_msi_replaces_the_installed_one_and_an_older_one_is_refused() {
    let msi = msi();
    let dir = temp_dir("msi-upgrade");
    // The same files packaged as a later version, with the same build script.
    run(Command::new("msiextract").arg("-C").arg(&dir).arg(&msi));
    let files = find_file(&dir, "palabre.exe").expect("extracted exe").parent().unwrap().to_path_buf();
    let newer = dir.join("newer.msi");
    run(Command::new(repo().join("packaging/windows/build-msi")).arg("9.9.9").arg(&files).arg(&newer));

    let wine = Wine::new("msi-upgrade-wine");
    wine.add_webview2();
    let old_code = property(&msi, "ProductCode").unwrap();
    let new_code = property(&newer, "ProductCode").unwrap();
    assert_eq!(wine.msiexec(&["/i", msi.to_str().unwrap(), "/qn", "DISABLERECORDING=1"]), 0);
    assert!(wine.installed_products().contains(&old_code));

    assert_eq!(wine.msiexec(&["/i", newer.to_str().unwrap(), "/qn"]), 0, "upgrade");
    let products = wine.installed_products();
    assert!(products.contains(&new_code) && !products.contains(&old_code), "{products:?}");
    assert!(wine.program_files().join("palabre.exe").exists());
    // Properties are not remembered across an upgrade: DEPLOYMENT.md tells IT to give them again.
    assert_eq!(wine.reg_values(r"HKLM\Software\Policies\Palabre").unwrap_or_default(), HashMap::new());

    assert_eq!(wine.msiexec(&["/i", msi.to_str().unwrap(), "/qn"]), ERROR_INSTALL_FAILURE, "downgrade refused");
    assert_eq!(wine.installed_products(), products);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[ignore = "needs dist/ from packaging/build-all, and root: scripts/test.sh runs it"]
fn with_a_certificate_the_exe_and_the_msi_are_signed_and_without_it_says_unsigned() {
    let dir = temp_dir("signing");
    run(Command::new("msiextract").arg("-C").arg(&dir).arg(msi()));
    let files = find_file(&dir, "palabre.exe").expect("extracted exe").parent().unwrap().to_path_buf();
    run(Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Palabre test signing"])
        .args(["-addext", "extendedKeyUsage=codeSigning", "-keyout", "key.pem", "-out", "cert.pem"])
        .current_dir(&dir));
    let build_msi = repo().join("packaging/windows/build-msi");

    let signed = dir.join("signed.msi");
    let output = Command::new(&build_msi)
        .arg(version())
        .arg(&files)
        .arg(&signed)
        .env("PALABRE_SIGN_CERT", dir.join("cert.pem"))
        .env("PALABRE_SIGN_KEY", dir.join("key.pem"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let verify = |file: &Path| {
        Command::new("osslsigncode")
            .arg("verify")
            .arg("-in")
            .arg(file)
            .arg("-CAfile")
            .arg(dir.join("cert.pem"))
            .output()
            .unwrap()
    };
    let check = verify(&signed);
    assert!(
        check.status.success() && text(&check.stdout).contains("Subject: /CN=Palabre test signing"),
        "MSI not signed"
    );
    let inside = dir.join("inside");
    run(Command::new("msiextract").arg("-C").arg(&inside).arg(&signed));
    let exe = find_file(&inside, "palabre.exe").unwrap();
    assert!(verify(&exe).status.success(), "the exe inside the MSI is not signed");

    let unsigned = dir.join("unsigned.msi");
    let output = Command::new(&build_msi)
        .arg(version())
        .arg(&files)
        .arg(&unsigned)
        .env_remove("PALABRE_SIGN_CERT")
        .env_remove("PALABRE_SIGN_KEY")
        .env_remove("PALABRE_SIGN_PKCS12")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let said = text(&output.stderr);
    assert!(said.contains("sign: UNSIGNED palabre.exe") && said.contains("sign: UNSIGNED palabre.msi"), "{said}");
    assert!(!verify(&unsigned).status.success());
    let _ = std::fs::remove_dir_all(&dir);
}

fn find_file(dir: &Path, name: &str) -> Option<PathBuf> {
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        if path.file_name().is_some_and(|n| n == name) {
            return Some(path);
        }
        if path.is_dir() && !path.is_symlink() {
            if let Some(found) = find_file(&path, name) {
                return Some(found);
            }
        }
    }
    None
}

#[test]
#[ignore = "needs dist/ from packaging/build-all, and root: scripts/test.sh runs it"]
fn deb_declares_its_dependencies_and_ships_no_policy() {
    let deb = deb();
    let field = |name: &str| run(Command::new("dpkg-deb").arg("-f").arg(&deb).arg(name)).trim().to_string();
    assert_eq!(field("Version"), version());
    let depends = field("Depends");
    for package in ["libwebkit2gtk-4.1-0", "libgtk-3-0", "libc6", "libpipewire-0.3-0"] {
        assert!(depends.split(", ").any(|d| d.starts_with(package)), "{package} in {depends}");
    }
    let recommends = field("Recommends");
    for package in ["gstreamer1.0-plugins-bad", "gstreamer1.0-libav"] {
        assert!(recommends.contains(package), "{package} in {recommends}");
    }
    let contents = run(Command::new("dpkg-deb").arg("-c").arg(&deb));
    for path in [
        "./usr/bin/palabre",
        "./usr/share/applications/palabre.desktop",
        "./usr/share/icons/hicolor/128x128/apps/palabre.png",
        "./usr/share/doc/palabre/examples/policy.toml",
    ] {
        assert!(contents.lines().any(|l| l.ends_with(path)), "{path} in the package:\n{contents}");
    }
    assert!(!contents.contains("./etc/"), "a shipped /etc/palabre/policy.toml would lock every machine");
}

/// `xdg-mime query default x-scheme-handler/palabre` for a user with no settings of their own.
fn link_handler(home: &Path) -> String {
    let out = run(Command::new("xdg-mime")
        .args(["query", "default", "x-scheme-handler/palabre"])
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env_remove("XDG_CURRENT_DESKTOP")
        .env_remove("DESKTOP_SESSION"));
    out.trim().to_string()
}

#[test]
#[ignore = "needs dist/ from packaging/build-all, and root: scripts/test.sh runs it"]
fn deb_installs_opens_palabre_links_starts_and_removes_cleanly() {
    let deb = deb();
    let home = temp_dir("deb-home");
    run(Command::new("dpkg").arg("-i").arg(&deb));

    let ldd = run(Command::new("ldd").arg("/usr/bin/palabre"));
    assert!(!ldd.contains("not found"), "a library the package does not bring:\n{ldd}");
    run(Command::new("desktop-file-validate").arg("/usr/share/applications/palabre.desktop"));
    let entry = std::fs::read_to_string("/usr/share/applications/palabre.desktop").unwrap();
    assert!(entry.lines().any(|l| l == "Exec=palabre %u"), "{entry}");
    assert_eq!(link_handler(&home), "palabre.desktop");

    // The installed app opens its window (on a virtual display) and is still running after a few seconds.
    let mut app = Command::new("xvfb-run")
        .args(["-a", "/usr/bin/palabre"])
        .env("HOME", &home)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("xvfb-run");
    std::thread::sleep(Duration::from_secs(5));
    let early_exit = app.try_wait().unwrap();
    let _ = Command::new("pkill").args(["-TERM", "-P", &app.id().to_string()]).status();
    let _ = app.kill();
    let output = app.wait_with_output().unwrap();
    assert!(early_exit.is_none(), "palabre exited at once ({early_exit:?}): {}", text(&output.stderr));

    run(Command::new("dpkg").args(["--purge", "palabre"]));
    assert!(!Path::new("/usr/bin/palabre").exists());
    assert_eq!(link_handler(&home), "", "no handler once removed");
    let _ = std::fs::remove_dir_all(&home);
}

#[test]
#[ignore = "needs dist/ from packaging/build-all, and root: scripts/test.sh runs it"]
fn installed_palabre_prints_its_version() {
    run(Command::new("dpkg").arg("-i").arg(deb()));
    let out = run(Command::new("/usr/bin/palabre").arg("--version").env_remove("DISPLAY"));
    run(Command::new("dpkg").args(["--purge", "palabre"]));
    assert_eq!(out.trim(), format!("palabre {}", version()));
}
