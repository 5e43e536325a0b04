//! `palabre-cli devices [--json]`: the cameras, microphones and speakers this computer has, with the ids that
//! `join --camera ID --mic ID --speaker ID` take, and the screens and windows of `$DISPLAY` that `--screen ID`
//! takes. The JSON's field names are a contract, like the report's.

use std::io::Write;
use std::process::ExitCode;

use palabre_devices::{audio_devices, cameras, DeviceInfo};
use palabre_screen::{SourceInfo, SourceKind};
use serde::Serialize;

#[derive(Serialize)]
struct DeviceJson<'a> {
    id: &'a str,
    name: &'a str,
    default: bool,
}

fn list(devices: &[DeviceInfo]) -> Vec<DeviceJson<'_>> {
    devices.iter().map(|d| DeviceJson { id: &d.id, name: &d.name, default: d.is_default }).collect()
}

#[derive(Serialize)]
struct SourceJson<'a> {
    id: &'a str,
    title: &'a str,
    kind: SourceKind,
    width: u32,
    height: u32,
}

#[derive(Serialize)]
struct DevicesJson<'a> {
    microphones: Vec<DeviceJson<'a>>,
    speakers: Vec<DeviceJson<'a>>,
    cameras: Vec<DeviceJson<'a>>,
    /// Screens, then windows.
    screens: Vec<SourceJson<'a>>,
}

pub fn print(json: bool) -> ExitCode {
    let devices = match audio_devices() {
        Ok(devices) => devices,
        Err(error) => {
            eprintln!("palabre-cli: {error}");
            return ExitCode::FAILURE;
        }
    };
    // A camera system that cannot be listed leaves the sound devices worth showing.
    let cameras = cameras().unwrap_or_else(|error| {
        eprintln!("palabre-cli: {error}");
        Vec::new()
    });
    // No display (a server, a Wayland-only session) leaves the rest worth showing.
    let screens = palabre_screen::sources(None).unwrap_or_else(|error| {
        eprintln!("palabre-cli: screens and windows: {error}");
        Vec::new()
    });
    let mut text = String::new();
    if json {
        let screens = screens
            .iter()
            .map(|s: &SourceInfo| SourceJson { id: &s.id, title: &s.title, kind: s.kind, width: s.width, height: s.height })
            .collect();
        let document =
            DevicesJson { microphones: list(&devices.microphones), speakers: list(&devices.speakers), cameras: list(&cameras), screens };
        text = serde_json::to_string_pretty(&document).expect("serialisable") + "\n";
    } else {
        for (title, list) in [("Cameras", &cameras), ("Microphones", &devices.microphones), ("Speakers", &devices.speakers)] {
            text += &format!("{title}:\n");
            if list.is_empty() {
                text += "  (none)\n";
            }
            for device in list {
                let mark = if device.is_default { "*" } else { " " };
                text += &format!("{mark} {}  {}\n", device.id, device.name);
            }
        }
        text += "(* the system default; pass an id to --camera, --mic or --speaker)\nScreens and windows:\n";
        if screens.is_empty() {
            text += "  (none)\n";
        }
        for source in &screens {
            text += &format!("  {}  {} ({}x{})\n", source.id, source.title, source.width, source.height);
        }
        text += "(pass an id to --screen)\n";
    }
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    ExitCode::SUCCESS
}
