//! Every policy value, valid and invalid, through the same path the app uses.

use super::*;
use parse::RawValue::{self, Bool, List, Number, Text, Unsupported};

fn text(s: &str) -> RawValue {
    Text(s.to_string())
}

fn registry(values: &[(&str, RawValue)]) -> Loaded {
    Policy::from_values(Source::Registry, values.iter().map(|(n, v)| (n.to_string(), v.clone())))
}

fn one(name: &str, value: RawValue) -> Loaded {
    registry(&[(name, value)])
}

#[test]
fn no_policy_locks_nothing_and_allows_every_server() {
    let policy = Policy::default();
    assert!(policy.locked().is_empty());
    assert!(policy.allows_server("anything.example").is_ok());
    assert!(!policy.hosting_disabled() && !policy.recording_disabled());
    assert_eq!(policy.default_server(), None);
}

#[test]
fn switches_accept_every_documented_spelling() {
    for (value, expected) in [
        (text("1"), true),
        (text("0"), false),
        (text(" TRUE "), true),
        (text("false"), false),
        (text("Yes"), true),
        (text("no"), false),
        (text("on"), true),
        (text("OFF"), false),
        (Number(1), true),
        (Number(0), false),
        (Bool(true), true),
        (Bool(false), false),
    ] {
        for name in ["DisableHosting", "disable_hosting"] {
            let loaded = one(name, value.clone());
            assert_eq!(loaded.policy.hosting_disabled(), expected, "{name} = {value:?}");
            assert!(loaded.warnings.is_empty(), "{value:?}: {:?}", loaded.warnings);
            assert!(loaded.policy.is_locked(Setting::DisableHosting));
        }
        let loaded = one("DisableRecording", value.clone());
        assert_eq!(loaded.policy.recording_disabled(), expected, "DisableRecording = {value:?}");
    }
}

#[test]
fn a_bad_switch_disables_with_a_warning_naming_the_value() {
    for value in [text("maybe"), text(""), Number(2), Number(-1), List(vec!["1".into()]), Unsupported("a blob".into())]
    {
        let loaded = one("DisableHosting", value.clone());
        assert!(loaded.policy.hosting_disabled(), "{value:?}");
        assert_eq!(loaded.warnings.len(), 1, "{value:?}");
        let message = loaded.warnings[0].to_string();
        assert!(message.starts_with("policy DisableHosting: "), "{message}");
        assert!(message.contains("hosting stays disabled"), "{message}");

        let loaded = one("DisableRecording", value.clone());
        assert!(loaded.policy.recording_disabled(), "{value:?}");
        assert!(loaded.warnings[0].message.contains("recording stays disabled"));
    }
    assert!(one("DisableHosting", text("maybe")).warnings[0].message.contains("\"maybe\""));
}

#[test]
fn default_server_forms() {
    for (value, host, port, scheme, shown) in [
        ("visio.example.org", "visio.example.org", None, None, "visio.example.org"),
        (" Visio.Example.ORG. ", "visio.example.org", None, None, "visio.example.org"),
        ("visio.example.org:7443", "visio.example.org", Some(7443), None, "visio.example.org:7443"),
        (
            "janus+wss://visio.example.org/",
            "visio.example.org",
            None,
            Some("janus+wss"),
            "janus+wss://visio.example.org",
        ),
        ("PALABRE://10.0.0.5:7443", "10.0.0.5", Some(7443), Some("palabre"), "palabre://10.0.0.5:7443"),
        ("[2001:db8::1]:7443", "2001:db8::1", Some(7443), None, "[2001:db8::1]:7443"),
        ("2001:db8:0::1", "2001:db8::1", None, None, "2001:db8::1"),
    ] {
        let loaded = one("DefaultServer", text(value));
        assert!(loaded.warnings.is_empty(), "{value}: {:?}", loaded.warnings);
        let server = loaded.policy.default_server().expect(value);
        assert_eq!(server.host, host, "{value}");
        assert_eq!(server.port, port, "{value}");
        assert_eq!(server.scheme.as_deref(), scheme, "{value}");
        assert_eq!(server.to_string(), shown);
        assert!(loaded.policy.is_locked(Setting::DefaultServer));
    }
}

#[test]
fn a_bad_default_server_proposes_none_and_says_why() {
    for (value, why) in [
        (text(""), "empty"),
        (text("https://visio.example.org"), "scheme https://"),
        (text("visio.example.org/room"), "has a path"),
        (text("visio.example.org:0"), "not a port"),
        (text("visio.example.org:99999"), "not a port"),
        (text("visio.example.org:abc"), "not a port"),
        (text("visio_example.org"), "not a server name"),
        (text("-visio.example.org"), "not a server name"),
        (text("a..b"), "not a server name"),
        (text("visio.exämple.org"), "xn--"),
        (text("[2001:db8::1"), "closing ]"),
        (text(&format!("{}.org", "a".repeat(64))), "not a server name"),
        (text(&["abc"; 70].join(".")), "longer than 253"),
        (Number(3), "not a server"),
        (List(vec!["visio.example.org".into()]), "not a server"),
    ] {
        let loaded = one("DefaultServer", value.clone());
        assert_eq!(loaded.policy.default_server(), None, "{value:?}");
        assert_eq!(loaded.warnings.len(), 1, "{value:?}");
        let message = &loaded.warnings[0].message;
        assert!(message.contains(why), "{value:?}: {message}");
        assert!(message.ends_with("no default server is proposed"), "{message}");
        assert!(loaded.policy.is_locked(Setting::DefaultServer), "IT set it: the user cannot");
    }
}

#[test]
fn allowed_servers_restrict_links_and_the_refusal_names_the_policy() {
    let loaded = one("AllowedServers", text("visio.example.org; *.ville.fr,10.0.0.5 [2001:db8::1]"));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let policy = &loaded.policy;
    for host in
        ["visio.example.org", "VISIO.example.org.", "salle.ville.fr", "a.b.ville.fr", "10.0.0.5", "[2001:db8:0::1]"]
    {
        assert_eq!(policy.allows_server(host), Ok(()), "{host}");
    }
    for host in ["ville.fr", "evilville.fr", "example.org", "10.0.0.6", "visio.example.org.evil.com", "", "a b"] {
        let refusal = policy.allows_server(host).expect_err(host);
        assert_eq!(refusal.code(), "server-not-allowed");
        let message = refusal.to_string();
        assert!(message.contains(r"AllowedServers in HKLM\Software\Policies\Palabre"), "{message}");
        assert!(message.contains(host.trim()), "{message}");
    }
}

#[test]
fn a_multi_string_or_toml_array_lists_servers_too() {
    let loaded = one("AllowedServers", List(vec!["a.example.org".into(), "b.example.org;c.example.org".into()]));
    assert!(loaded.warnings.is_empty());
    for host in ["a.example.org", "b.example.org", "c.example.org"] {
        assert!(loaded.policy.allows_server(host).is_ok(), "{host}");
    }
}

#[test]
fn the_default_server_is_always_allowed() {
    let loaded = registry(&[("DefaultServer", text("visio.example.org:7443")), ("AllowedServers", text("other.org"))]);
    assert!(loaded.policy.allows_server("visio.example.org").is_ok());
    assert!(loaded.policy.allows_server("other.org").is_ok());
    assert!(loaded.policy.allows_server("third.org").is_err());
}

#[test]
fn a_bad_allowed_entry_allows_nothing_and_the_others_still_work() {
    for (entry, why) in [
        ("https://x.org", "not a server name"),
        ("x.org:443", "has a port"),
        ("x.org/path", "an address"),
        ("*.10.0.0.1", "wildcard"),
        ("*.", "empty"),
        ("x_y.org", "not a server name"),
        ("*x.org", "not a server name"),
    ] {
        let loaded = one("AllowedServers", text(&format!("good.org;{entry}")));
        assert!(loaded.policy.allows_server("good.org").is_ok(), "{entry}");
        assert_eq!(loaded.warnings.len(), 1, "{entry}: {:?}", loaded.warnings);
        let message = &loaded.warnings[0].message;
        assert!(message.contains(why), "{entry}: {message}");
        assert!(message.ends_with("links to it are refused"), "{message}");
    }
}

#[test]
fn an_empty_or_wrong_kind_of_allowed_list_refuses_every_link_but_the_default() {
    for value in [text(""), text(" ; , "), List(vec![]), Number(1), Bool(true)] {
        let loaded = registry(&[("AllowedServers", value.clone()), ("DefaultServer", text("visio.example.org"))]);
        assert_eq!(loaded.warnings.len(), 1, "{value:?}");
        let message = &loaded.warnings[0].message;
        assert!(message.ends_with("only links to the default server are allowed"), "{message}");
        assert!(loaded.policy.allows_server("anything.org").is_err(), "{value:?}");
        assert!(loaded.policy.allows_server("visio.example.org").is_ok(), "{value:?}");
    }
}

#[test]
fn unknown_policies_are_named_and_change_nothing() {
    let loaded = one("DisableHostin", text("1"));
    assert_eq!(loaded.policy, Policy { source: Source::Registry, ..Policy::default() });
    let message = loaded.warnings[0].to_string();
    assert!(message.starts_with("policy DisableHostin: no such policy"), "{message}");
    assert!(message.contains("DisableHosting"), "{message}");
}

#[test]
fn registry_names_ignore_case_file_keys_do_not() {
    assert_eq!(Setting::from_name("disablehosting"), Some(Setting::DisableHosting));
    assert_eq!(Setting::from_name("ALLOWEDSERVERS"), Some(Setting::AllowedServers));
    assert_eq!(Setting::from_name("default_server"), Some(Setting::DefaultServer));
    assert_eq!(Setting::from_name("Default_Server"), None);
}

#[test]
fn locked_lists_only_what_was_set() {
    let loaded = registry(&[("DefaultServer", text("visio.example.org")), ("DisableRecording", Number(0))]);
    assert_eq!(loaded.policy.locked(), &[Setting::DefaultServer, Setting::DisableRecording]);
    assert!(!loaded.policy.is_locked(Setting::AllowedServers));
    assert!(loaded.policy.allows_server("anywhere.org").is_ok());
}

mod file {
    use super::*;

    fn write(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("policy.toml");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn a_complete_policy_file_is_read() {
        let (_dir, path) = write(
            r#"
default_server = "janus+wss://visio.example.org"
allowed_servers = ["*.example.org", "10.0.0.5"]
disable_hosting = true
disable_recording = 0
"#,
        );
        let loaded = Policy::load_file(&path);
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        let policy = loaded.policy;
        assert_eq!(policy.default_server().unwrap().to_string(), "janus+wss://visio.example.org");
        assert!(policy.hosting_disabled());
        assert!(!policy.recording_disabled());
        assert_eq!(policy.locked().len(), 4);
        assert!(policy.allows_server("salle.example.org").is_ok());
        let refusal = policy.allows_server("other.org").unwrap_err().to_string();
        assert!(refusal.contains(&format!("allowed_servers in {}", path.display())), "{refusal}");
    }

    #[test]
    fn a_missing_file_is_no_policy() {
        let dir = tempfile::tempdir().unwrap();
        let loaded = Policy::load_file(&dir.path().join("absent.toml"));
        assert_eq!(loaded, Loaded { policy: Policy::default(), warnings: vec![] });
    }

    #[test]
    fn a_file_that_is_not_toml_locks_everything_restrictively() {
        for text in ["disable_hosting = ", "[[[", "allowed_servers = [\"a.org\""] {
            let (_dir, path) = write(text);
            let loaded = Policy::load_file(&path);
            let policy = &loaded.policy;
            assert!(policy.hosting_disabled() && policy.recording_disabled(), "{text}");
            assert!(policy.allows_server("a.org").is_err(), "{text}");
            assert_eq!(policy.locked(), &Setting::ALL, "{text}");
            assert_eq!(loaded.warnings.len(), 1);
            assert!(loaded.warnings[0].message.contains("not valid TOML"), "{:?}", loaded.warnings);
        }
    }

    #[test]
    fn a_file_that_is_not_utf8_locks_everything_restrictively() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("policy.toml");
        std::fs::write(&path, b"disable_hosting = \xff\n").unwrap();
        let loaded = Policy::load_file(&path);
        assert!(loaded.policy.hosting_disabled());
        assert!(loaded.warnings[0].message.contains("cannot be read"), "{:?}", loaded.warnings);
    }

    #[test]
    fn toml_values_of_other_kinds_are_refused_by_name() {
        let (_dir, path) = write("disable_hosting = 1.5\nallowed_servers = [1, 2]\n[default_server]\nx = 1\n");
        let loaded = Policy::load_file(&path);
        let messages: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("a TOML float")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("a list of non-text items")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("a TOML table")), "{messages:?}");
        assert!(loaded.policy.hosting_disabled());
    }
}

#[test]
fn the_example_policy_shipped_in_the_deb_is_valid() {
    let text = include_str!("../../../packaging/linux/policy.toml.example");
    let values = parse::toml_values(text).expect("valid TOML");
    let loaded = Policy::from_values(Source::File(POLICY_FILE.into()), values);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert!(Setting::ALL.iter().all(|s| loaded.policy.is_locked(*s)), "every setting is shown");
}
