//! `palabre-cli devices [--json]`: the microphones and speakers this computer has, with the ids that
//! `join --mic ID --speaker ID` take. The JSON's field names are a contract, like the report's.

use std::process::ExitCode;

use palabre_devices::{audio_devices, DeviceInfo};
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
struct DevicesJson<'a> {
    microphones: Vec<DeviceJson<'a>>,
    speakers: Vec<DeviceJson<'a>>,
}

pub fn print(json: bool) -> ExitCode {
    let devices = match audio_devices() {
        Ok(devices) => devices,
        Err(error) => {
            eprintln!("palabre-cli: {error}");
            return ExitCode::FAILURE;
        }
    };
    if json {
        let document = DevicesJson { microphones: list(&devices.microphones), speakers: list(&devices.speakers) };
        println!("{}", serde_json::to_string_pretty(&document).expect("serialisable"));
    } else {
        for (title, list) in [("Microphones", &devices.microphones), ("Speakers", &devices.speakers)] {
            println!("{title}:");
            if list.is_empty() {
                println!("  (none)");
            }
            for device in list {
                let mark = if device.is_default { "*" } else { " " };
                println!("{mark} {}  {}", device.id, device.name);
            }
        }
        println!("(* the system default; pass an id to --mic or --speaker)");
    }
    ExitCode::SUCCESS
}
