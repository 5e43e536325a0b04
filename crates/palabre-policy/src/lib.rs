//! Machine policies: what an organisation's IT department decides for every user of a computer.
//!
//! IT sets them once per machine: on Windows as values under `HKLM\Software\Policies\Palabre` (the MSI's
//! public properties write them, Group Policy can too), elsewhere in `/etc/palabre/policy.toml`. The app reads
//! them once at start ([`Policy::load`]); a policy overrides the user's own setting, and the UI marks the
//! settings of [`Policy::is_locked`] as "managed by your organisation".
//!
//! A value that cannot be understood never stops the app: it becomes a [`Warning`] (logged through `tracing`)
//! and the *restrictive* reading is taken, since whoever wrote the value meant to restrict something. The rules
//! for each value are in [`parse`]; reading the platform source is in `source` and does nothing else.

pub mod parse;
mod source;

use std::fmt;
use std::path::{Path, PathBuf};

use parse::{HostPattern, RawValue, Server};

/// Where Linux (and every non-Windows system) keeps the machine policy.
pub const POLICY_FILE: &str = "/etc/palabre/policy.toml";
/// The registry key, under `HKEY_LOCAL_MACHINE`, that holds the machine policy on Windows.
pub const POLICY_KEY: &str = r"Software\Policies\Palabre";

/// One setting that a policy can take over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Setting {
    /// The server the app proposes when the user has no link.
    DefaultServer,
    /// The only servers a link may lead to.
    AllowedServers,
    /// No embedded room server on this computer.
    DisableHosting,
    /// No recording of meetings on this computer.
    DisableRecording,
}

impl Setting {
    pub const ALL: [Setting; 4] =
        [Setting::DefaultServer, Setting::AllowedServers, Setting::DisableHosting, Setting::DisableRecording];

    /// The value's name in the Windows registry (what Group Policy and the MSI write).
    pub fn registry_name(self) -> &'static str {
        match self {
            Setting::DefaultServer => "DefaultServer",
            Setting::AllowedServers => "AllowedServers",
            Setting::DisableHosting => "DisableHosting",
            Setting::DisableRecording => "DisableRecording",
        }
    }

    /// The key's name in `/etc/palabre/policy.toml`.
    pub fn file_key(self) -> &'static str {
        match self {
            Setting::DefaultServer => "default_server",
            Setting::AllowedServers => "allowed_servers",
            Setting::DisableHosting => "disable_hosting",
            Setting::DisableRecording => "disable_recording",
        }
    }

    /// The MSI public property that writes this setting at install time.
    pub fn msi_property(self) -> &'static str {
        match self {
            Setting::DefaultServer => "DEFAULTSERVER",
            Setting::AllowedServers => "ALLOWEDSERVERS",
            Setting::DisableHosting => "DISABLEHOSTING",
            Setting::DisableRecording => "DISABLERECORDING",
        }
    }

    /// Finds a setting by its registry name (any case, as the registry compares them) or its file key.
    pub fn from_name(name: &str) -> Option<Setting> {
        Setting::ALL.into_iter().find(|s| s.registry_name().eq_ignore_ascii_case(name) || s.file_key() == name)
    }
}

/// Where a policy came from, so that messages can tell the user and IT exactly which value decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// No policy is set on this computer.
    None,
    Registry,
    File(PathBuf),
}

impl Source {
    /// How a person names this setting in this source: `AllowedServers in HKLM\Software\Policies\Palabre`.
    fn describe(&self, setting: Setting) -> String {
        match self {
            Source::Registry => format!(r"{} in HKLM\{POLICY_KEY}", setting.registry_name()),
            Source::File(path) => format!("{} in {}", setting.file_key(), path.display()),
            Source::None => setting.registry_name().to_string(),
        }
    }
}

/// A policy value that was not understood, and what the app does instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The name as written in the source (it may be a misspelt name that matches no setting).
    pub name: String,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "policy {}: {}", self.name, self.message)
    }
}

/// A link to a server that the organisation's policy does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the server {host} is not allowed by your organisation (policy {policy}): ask your IT department")]
pub struct Refusal {
    pub host: String,
    /// The policy that refused, named as it is set: `AllowedServers in HKLM\Software\Policies\Palabre`.
    pub policy: String,
}

impl Refusal {
    /// A stable identifier, for user interfaces that word the message in their own language.
    pub fn code(&self) -> &'static str {
        "server-not-allowed"
    }
}

/// The machine policy in force. `Policy::default()` is a computer with no policy: nothing is locked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    source: Source,
    default_server: Option<Server>,
    /// `None`: links may lead anywhere. `Some(empty)`: only the default server, if any.
    allowed_servers: Option<Vec<HostPattern>>,
    hosting_disabled: bool,
    recording_disabled: bool,
    /// Settings present in the source, valid or not: IT took them over, the user cannot change them.
    locked: Vec<Setting>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            source: Source::None,
            default_server: None,
            allowed_servers: None,
            hosting_disabled: false,
            recording_disabled: false,
            locked: Vec::new(),
        }
    }
}

/// A policy and what was wrong with its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    pub policy: Policy,
    pub warnings: Vec<Warning>,
}

impl Policy {
    /// Reads this computer's policy: the registry on Windows, [`POLICY_FILE`] elsewhere. Call once at start.
    ///
    /// Each warning is logged; none is fatal. There is deliberately no environment variable to point this
    /// elsewhere: a user could then escape the organisation's policy. Tests use [`Policy::load_file`].
    pub fn load() -> Loaded {
        let loaded = source::read_platform();
        loaded.log();
        loaded
    }

    /// Reads a policy file in the `/etc/palabre/policy.toml` format. A missing file means no policy.
    pub fn load_file(path: &Path) -> Loaded {
        let loaded = source::read_file(path);
        loaded.log();
        loaded
    }

    /// Builds the policy from values already read, checking each one. Pure: this is what the tests drive.
    pub fn from_values<I>(source: Source, values: I) -> Loaded
    where
        I: IntoIterator<Item = (String, RawValue)>,
    {
        let mut policy = Policy { source, ..Policy::default() };
        let mut warnings = Vec::new();
        for (name, value) in values {
            let Some(setting) = Setting::from_name(&name) else {
                let known: Vec<&str> = Setting::ALL.iter().map(|s| s.registry_name()).collect();
                warnings
                    .push(Warning { name, message: format!("no such policy, ignored (known: {})", known.join(", ")) });
                continue;
            };
            if !policy.locked.contains(&setting) {
                policy.locked.push(setting);
            }
            let mut warn = |message: String| warnings.push(Warning { name: name.clone(), message });
            match setting {
                Setting::DefaultServer => {
                    policy.default_server = match parse::server(&value) {
                        Ok(server) => Some(server),
                        Err(why) => {
                            warn(format!("{why}; no default server is proposed"));
                            None
                        }
                    }
                }
                Setting::AllowedServers => {
                    let (patterns, errors) = parse::host_list(&value);
                    errors.into_iter().for_each(&mut warn);
                    policy.allowed_servers = Some(patterns);
                }
                Setting::DisableHosting => {
                    policy.hosting_disabled = parse::switch(&value).unwrap_or_else(|why| {
                        warn(format!("{why}; hosting stays disabled"));
                        true
                    })
                }
                Setting::DisableRecording => {
                    policy.recording_disabled = parse::switch(&value).unwrap_or_else(|why| {
                        warn(format!("{why}; recording stays disabled"));
                        true
                    })
                }
            }
        }
        Loaded { policy, warnings }
    }

    /// The policy for a source that exists but cannot be read at all: everything locked, the restrictive way.
    fn unreadable(source: Source, name: String, why: String) -> Loaded {
        let message = format!("{why}; until it is fixed, hosting and recording are disabled and links are refused");
        let policy = Policy {
            source,
            default_server: None,
            allowed_servers: Some(Vec::new()),
            hosting_disabled: true,
            recording_disabled: true,
            locked: Setting::ALL.to_vec(),
        };
        Loaded { policy, warnings: vec![Warning { name, message }] }
    }

    /// Whether a link may lead to `host` (as a link names it: a name or an IP address, any case).
    ///
    /// The default server is always allowed, so IT need not repeat it in `AllowedServers`.
    pub fn allows_server(&self, host: &str) -> Result<(), Refusal> {
        let Some(patterns) = &self.allowed_servers else {
            return Ok(());
        };
        let refusal =
            || Refusal { host: host.trim().to_string(), policy: self.source.describe(Setting::AllowedServers) };
        let host = parse::host(host).map_err(|_| refusal())?;
        let is_default = self.default_server.as_ref().is_some_and(|server| server.host == host);
        if is_default || patterns.iter().any(|pattern| pattern.matches(&host)) {
            Ok(())
        } else {
            Err(refusal())
        }
    }

    /// The server to propose when the user has no link, if IT chose one.
    pub fn default_server(&self) -> Option<&Server> {
        self.default_server.as_ref()
    }

    /// True when this computer must not run the embedded room server (no "host a meeting").
    pub fn hosting_disabled(&self) -> bool {
        self.hosting_disabled
    }

    /// True when meetings must not be recorded on this computer.
    pub fn recording_disabled(&self) -> bool {
        self.recording_disabled
    }

    /// True when IT set this setting: the UI shows it as "managed by your organisation", read-only.
    pub fn is_locked(&self, setting: Setting) -> bool {
        self.locked.contains(&setting)
    }

    /// The settings IT set, in the order they were read.
    pub fn locked(&self) -> &[Setting] {
        &self.locked
    }

    /// Where this policy came from.
    pub fn source(&self) -> &Source {
        &self.source
    }
}

impl Loaded {
    fn log(&self) {
        for warning in &self.warnings {
            tracing::warn!(source = ?self.policy.source, "{warning}");
        }
        if !self.policy.locked.is_empty() {
            tracing::info!(source = ?self.policy.source, locked = ?self.policy.locked, "machine policy in force");
        }
    }
}

#[cfg(test)]
mod tests;
