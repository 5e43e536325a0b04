//! What each policy value may be, checked without any I/O.
//!
//! Values arrive in whatever form their source has: registry strings, DWORDs and multi-strings; TOML strings,
//! integers, booleans and arrays. IT people type them by hand on an msiexec command line or in a GPO editor, so
//! the forms accepted are generous (`1`, `true`, `yes`; hosts separated by `;`, `,` or blanks), and everything
//! else is refused with a sentence that says what was expected.

use std::fmt;
use std::net::IpAddr;

/// A policy value as its source stored it, before it is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawValue {
    Text(String),
    Number(i64),
    Bool(bool),
    List(Vec<String>),
    /// A kind of value no policy takes (a binary registry value, a TOML table…), named for the message.
    Unsupported(String),
}

/// The schemes of Palabre's links (see `palabre_core::link`), which a default server may name.
const SCHEMES: [&str; 3] = ["palabre", "janus+ws", "janus+wss"];

/// A server named by `DefaultServer`: `host`, `host:port`, optionally `scheme://` before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    /// One of the link schemes, lowercase, when the policy named one.
    pub scheme: Option<String>,
    /// Lowercase name or canonical IP address, without brackets.
    pub host: String,
    pub port: Option<u16>,
}

impl fmt::Display for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(scheme) = &self.scheme {
            write!(f, "{scheme}://")?;
        }
        match (self.host.contains(':'), self.port) {
            (true, Some(port)) => write!(f, "[{}]:{port}", self.host),
            (false, Some(port)) => write!(f, "{}:{port}", self.host),
            (_, None) => write!(f, "{}", self.host),
        }
    }
}

/// One entry of `AllowedServers`: a host, or `*.domain` for every name under that domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPattern {
    Exact(String),
    /// The domain with its leading dot (`.example.org`), so that `badexample.org` does not match.
    Subdomains(String),
}

impl HostPattern {
    /// `host` must already be normalised by [`host`].
    pub fn matches(&self, host: &str) -> bool {
        match self {
            HostPattern::Exact(exact) => exact == host,
            HostPattern::Subdomains(suffix) => host.ends_with(suffix.as_str()),
        }
    }
}

/// A yes/no policy: `1`/`0`, `true`/`false`, `yes`/`no`, `on`/`off` (any case), a DWORD 0 or 1, a TOML boolean.
pub fn switch(value: &RawValue) -> Result<bool, String> {
    const EXPECTED: &str = "expected 1 or 0 (true/false, yes/no)";
    match value {
        RawValue::Bool(b) => Ok(*b),
        RawValue::Number(0) => Ok(false),
        RawValue::Number(1) => Ok(true),
        RawValue::Number(n) => Err(format!("{n} is not a yes/no value: {EXPECTED}")),
        RawValue::Text(text) => match text.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Ok(true),
            "0" | "false" | "no" | "off" => Ok(false),
            _ => Err(format!("{text:?} is not a yes/no value: {EXPECTED}")),
        },
        other => Err(format!("{} is not a yes/no value: {EXPECTED}", kind(other))),
    }
}

/// A `DefaultServer`: `visio.example.org`, `visio.example.org:7443`, `janus+wss://visio.example.org`.
pub fn server(value: &RawValue) -> Result<Server, String> {
    let RawValue::Text(text) = value else {
        return Err(format!("{} is not a server: expected text such as visio.example.org", kind(value)));
    };
    let text = text.trim();
    let (scheme, rest) = match text.split_once("://") {
        Some((scheme, rest)) => {
            let scheme = scheme.to_ascii_lowercase();
            if !SCHEMES.contains(&scheme.as_str()) {
                return Err(format!(
                    "{text:?} has the scheme {scheme}://, which is not a meeting link's (palabre://, janus+ws://, janus+wss://)"
                ));
            }
            (Some(scheme), rest)
        }
        None => (None, text),
    };
    // A trailing slash is what a copied address often has; a path is not part of a server.
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.contains('/') {
        return Err(format!("{text:?} has a path: give the server alone, such as visio.example.org:7443"));
    }
    let (host_text, port) = split_port(rest).map_err(|why| format!("{text:?}: {why}"))?;
    let host = host(host_text).map_err(|why| format!("{text:?}: {why}"))?;
    Ok(Server { scheme, host, port })
}

/// `AllowedServers`: hosts and `*.domain` entries, separated by `;`, `,` or blanks (or one per line of a
/// multi-string). Returns the valid entries and one message per problem: an invalid entry allows nothing, and a
/// list with no valid entry allows only the default server.
pub fn host_list(value: &RawValue) -> (Vec<HostPattern>, Vec<String>) {
    let entries: Vec<&str> = match value {
        RawValue::Text(text) => split_list(text).collect(),
        RawValue::List(items) => items.iter().flat_map(|item| split_list(item)).collect(),
        other => return (Vec::new(), vec![format!("{} is not a list of servers; {ONLY_DEFAULT}", kind(other))]),
    };
    let mut patterns = Vec::new();
    let mut errors = Vec::new();
    for entry in entries {
        match host_pattern(entry) {
            Ok(pattern) => patterns.push(pattern),
            Err(why) => errors.push(format!("{why}; links to it are refused")),
        }
    }
    if patterns.is_empty() && errors.is_empty() {
        errors.push(format!("the list is empty; {ONLY_DEFAULT}"));
    }
    (patterns, errors)
}

const ONLY_DEFAULT: &str = "only links to the default server are allowed";

fn split_list(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c == ';' || c == ',' || c.is_whitespace()).filter(|entry| !entry.is_empty())
}

fn host_pattern(entry: &str) -> Result<HostPattern, String> {
    if let Some(domain) = entry.strip_prefix("*.") {
        let domain = host(domain).map_err(|why| format!("{entry:?}: {why}"))?;
        if domain.parse::<IpAddr>().is_ok() {
            return Err(format!("{entry:?}: a wildcard goes before a domain name, not an IP address"));
        }
        return Ok(HostPattern::Subdomains(format!(".{domain}")));
    }
    if entry.contains("://") || entry.contains('/') {
        return Err(format!("{entry:?} is an address, not a server name: write the host alone (visio.example.org)"));
    }
    let (host_text, port) = split_port(entry).map_err(|why| format!("{entry:?}: {why}"))?;
    if port.is_some() {
        return Err(format!("{entry:?} has a port: write the host alone, every port of an allowed host is allowed"));
    }
    host(host_text).map(HostPattern::Exact).map_err(|why| format!("{entry:?}: {why}"))
}

/// Splits `host:port`, `[v6]:port`, `[v6]`, a bare IPv6 address (several colons) or a bare host.
fn split_port(text: &str) -> Result<(&str, Option<u16>), String> {
    if let Some(inner) = text.strip_prefix('[') {
        let (host, after) = inner.split_once(']').ok_or("an IPv6 address lacks its closing ]")?;
        return match after {
            "" => Ok((host, None)),
            _ => match after.strip_prefix(':') {
                Some(port) => Ok((host, Some(parse_port(port)?))),
                None => Err(format!("unexpected {after:?} after the IPv6 address")),
            },
        };
    }
    match text.matches(':').count() {
        0 => Ok((text, None)),
        1 => {
            let (host, port) = text.split_once(':').expect("one colon");
            Ok((host, Some(parse_port(port)?)))
        }
        _ => Ok((text, None)),
    }
}

fn parse_port(text: &str) -> Result<u16, String> {
    match text.parse::<u16>() {
        Ok(port) if port > 0 => Ok(port),
        _ => Err(format!("{text:?} is not a port (1 to 65535)")),
    }
}

/// A host as links and policies compare it: a lowercase DNS name without its trailing dot, or a canonical IP
/// address (so `[::1]`, `::1` and `0:0::1` are one host). Internationalised names are written as `xn--…`.
pub fn host(text: &str) -> Result<String, String> {
    let text = text.trim();
    let bare = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')).unwrap_or(text);
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok(ip.to_string());
    }
    let name = bare.strip_suffix('.').unwrap_or(bare).to_ascii_lowercase();
    if name.is_empty() {
        return Err("a server name is empty".to_string());
    }
    if name.len() > 253 {
        return Err("a server name is longer than 253 characters".to_string());
    }
    if !name.is_ascii() {
        return Err("write internationalised server names in their xn-- form".to_string());
    }
    for label in name.split('.') {
        let valid_chars = label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if label.is_empty() || label.len() > 63 || !valid_chars || label.starts_with('-') || label.ends_with('-') {
            return Err(format!(
                "{text:?} is not a server name (letters, digits and '-' between dots) nor an IP address"
            ));
        }
    }
    Ok(name)
}

/// How a message names a value of the wrong kind.
fn kind(value: &RawValue) -> String {
    match value {
        RawValue::Text(text) => format!("the text {text:?}"),
        RawValue::Number(n) => format!("the number {n}"),
        RawValue::Bool(b) => format!("the boolean {b}"),
        RawValue::List(_) => "a list".to_string(),
        RawValue::Unsupported(what) => what.clone(),
    }
}

/// Reads the `/etc/palabre/policy.toml` format into named values. Keys are checked later, with the registry's.
pub fn toml_values(text: &str) -> Result<Vec<(String, RawValue)>, String> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| e.message().to_string())?;
    let values = table
        .into_iter()
        .map(|(key, value)| {
            let raw = match value {
                toml::Value::String(s) => RawValue::Text(s),
                toml::Value::Integer(n) => RawValue::Number(n),
                toml::Value::Boolean(b) => RawValue::Bool(b),
                toml::Value::Array(items) => {
                    let texts: Option<Vec<String>> =
                        items.into_iter().map(|item| item.as_str().map(str::to_string)).collect();
                    texts
                        .map(RawValue::List)
                        .unwrap_or_else(|| RawValue::Unsupported("a list of non-text items".into()))
                }
                other => RawValue::Unsupported(format!("a TOML {}", other.type_str())),
            };
            (key, raw)
        })
        .collect();
    Ok(values)
}
