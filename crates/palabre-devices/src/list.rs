//! Which microphones and speakers there are, each with an id that stays the same across runs (cpal's
//! `host:device` id, e.g. `pulseaudio:alsa_input.usb-…` or `alsa:default`), so a choice can be saved.

use cpal::traits::{DeviceTrait, HostTrait};
use serde::Serialize;

use crate::error::DeviceError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceInfo {
    /// Stable id to pass back to `open_microphone` / `open_speaker`.
    pub id: String,
    /// What the system calls it, for people.
    pub name: String,
    /// The system's current default for its direction.
    pub is_default: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AudioDevices {
    pub microphones: Vec<DeviceInfo>,
    pub speakers: Vec<DeviceInfo>,
}

/// Lists the devices of the platform's preferred audio host.
pub fn audio_devices() -> Result<AudioDevices, DeviceError> {
    let host = cpal::default_host();
    let listing = |e: cpal::Error| DeviceError::Listing(e.to_string());
    let default_id = |device: Option<cpal::Device>| device.and_then(|d| d.id().ok()).map(|id| id.to_string());
    let (default_input, default_output) = (default_id(host.default_input_device()), default_id(host.default_output_device()));
    let describe = |devices: Vec<cpal::Device>, default: &Option<String>| -> Vec<DeviceInfo> {
        devices.iter().filter_map(|device| info(device, default.as_deref())).collect()
    };
    Ok(AudioDevices {
        microphones: describe(host.input_devices().map_err(listing)?.collect(), &default_input),
        speakers: describe(host.output_devices().map_err(listing)?.collect(), &default_output),
    })
}

/// A device that vanished between listing and describing is left out.
pub(crate) fn info(device: &cpal::Device, default: Option<&str>) -> Option<DeviceInfo> {
    let id = device.id().ok()?.to_string();
    let name = device.description().map(|d| d.name().to_owned()).unwrap_or_else(|_| id.clone());
    Some(DeviceInfo { is_default: default == Some(id.as_str()), id, name })
}
