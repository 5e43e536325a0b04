//! Prints the machine policy in force on this computer, as Palabre reads it, and whether each host given on the
//! command line may be joined. For IT checking a deployment, and for the packaging tests, which run it under Wine
//! after installing the MSI with policy properties.
//!
//! Usage: `show-policy [HOST…]`

use palabre_policy::{Policy, Setting};

fn main() {
    let loaded = Policy::load();
    let policy = &loaded.policy;
    println!("source: {:?}", policy.source());
    for warning in &loaded.warnings {
        println!("warning: {warning}");
    }
    for setting in Setting::ALL {
        let value = match setting {
            Setting::DefaultServer => policy.default_server().map(|s| s.to_string()).unwrap_or_else(|| "-".into()),
            Setting::AllowedServers => "-".into(),
            Setting::DisableHosting => policy.hosting_disabled().to_string(),
            Setting::DisableRecording => policy.recording_disabled().to_string(),
        };
        let locked = if policy.is_locked(setting) { " (managed by your organisation)" } else { "" };
        println!("{}: {value}{locked}", setting.registry_name());
    }
    for host in std::env::args().skip(1) {
        match policy.allows_server(&host) {
            Ok(()) => println!("allowed: {host}"),
            Err(refusal) => println!("refused: {refusal}"),
        }
    }
}
