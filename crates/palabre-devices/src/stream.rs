//! Opening a microphone or speaker as a running cpal stream. The stream runs on the audio system's thread and
//! stops when the returned handle is dropped. Problems after opening (the device unplugged) are reported
//! through `on_problem` in words; the caller decides what to do (Palabre tells the user and goes on).

use std::str::FromStr;

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{DeviceId, SampleFormat, StreamConfig};
use palabre_media::AudioFrame;

use crate::capture::CaptureFrames;
use crate::error::DeviceError;
use crate::list::{info, DeviceInfo};
use crate::playback::PlaybackFeed;

/// A microphone delivering frames while this is alive.
pub struct Microphone {
    _stream: cpal::Stream,
    pub device: DeviceInfo,
    /// The device's own rate and channels (what was converted from).
    pub rate: u32,
    pub channels: u16,
}

/// A speaker playing while this is alive.
pub struct Speaker {
    _stream: cpal::Stream,
    pub device: DeviceInfo,
    pub rate: u32,
    pub channels: u16,
}

#[derive(Clone, Copy)]
enum Direction {
    Input,
    Output,
}

impl Direction {
    fn kind(self) -> &'static str {
        match self {
            Direction::Input => "microphone",
            Direction::Output => "speaker",
        }
    }
}

/// Opens the microphone `id` (None: the system default) and calls `on_frame` with each 20 ms of 48 kHz mono.
pub fn open_microphone(
    id: Option<&str>,
    mut on_frame: impl FnMut(AudioFrame) + Send + 'static,
    on_problem: impl FnMut(String) + Send + 'static,
) -> Result<Microphone, DeviceError> {
    let direction = Direction::Input;
    let (device, described) = find(direction, id)?;
    let supported = device.default_input_config().map_err(|e| unusable(direction, &described, e))?;
    let config = stream_config(&supported);
    let mut capture = CaptureFrames::new(config.sample_rate, config.channels).map_err(|e| unusable(direction, &described, e))?;
    let on_problem = problem_reporter(direction, &described, on_problem);
    let stream = match supported.sample_format() {
        SampleFormat::I16 => {
            let mut converted = Vec::new();
            device.build_input_stream::<i16, _, _>(
                config,
                move |data, _| {
                    converted.clear();
                    converted.extend(data.iter().map(|&s| f32::from(s) / 32768.0));
                    capture.push(&converted, &mut on_frame);
                },
                on_problem,
                None,
            )
        }
        // Float is what every host offers or converts to.
        _ => device.build_input_stream::<f32, _, _>(config, move |data, _| capture.push(data, &mut on_frame), on_problem, None),
    }
    .map_err(|e| unusable(direction, &described, e))?;
    stream.play().map_err(|e| unusable(direction, &described, e))?;
    Ok(Microphone { _stream: stream, device: described, rate: supported.sample_rate(), channels: supported.channels() })
}

/// Opens the speaker `id` (None: the system default); it pulls 48 kHz mono frames from `next_frame` as it plays.
pub fn open_speaker(
    id: Option<&str>,
    mut next_frame: impl FnMut() -> AudioFrame + Send + 'static,
    on_problem: impl FnMut(String) + Send + 'static,
) -> Result<Speaker, DeviceError> {
    let direction = Direction::Output;
    let (device, described) = find(direction, id)?;
    let supported = device.default_output_config().map_err(|e| unusable(direction, &described, e))?;
    let config = stream_config(&supported);
    let mut feed = PlaybackFeed::new(config.sample_rate, config.channels).map_err(|e| unusable(direction, &described, e))?;
    let on_problem = problem_reporter(direction, &described, on_problem);
    let stream = match supported.sample_format() {
        SampleFormat::I16 => {
            let mut buffer = Vec::new();
            device.build_output_stream::<i16, _, _>(
                config,
                move |data: &mut [i16], _| {
                    buffer.resize(data.len(), 0.0);
                    feed.fill(&mut buffer, &mut next_frame);
                    for (out, &sample) in data.iter_mut().zip(&buffer) {
                        *out = crate::capture::to_i16(sample);
                    }
                },
                on_problem,
                None,
            )
        }
        _ => device.build_output_stream::<f32, _, _>(config, move |data, _| feed.fill(data, &mut next_frame), on_problem, None),
    }
    .map_err(|e| unusable(direction, &described, e))?;
    stream.play().map_err(|e| unusable(direction, &described, e))?;
    Ok(Speaker { _stream: stream, device: described, rate: supported.sample_rate(), channels: supported.channels() })
}

/// The audio period asked of the device, in milliseconds: the size of each piece a stream hands over.
///
/// A host's default can be far larger (PulseAudio's is about 2 s for a capture stream), which would delay every
/// word by as much. It cannot be much smaller either: cpal's PulseAudio host sizes the server's buffer from it
/// (one period for a capture stream, two for playback), so the period is also how long our process may be kept
/// off the CPU before sound is lost. With 10 ms, a loaded machine (a webview drawing video, or a virtual machine
/// whose host takes its CPU away) lost pieces of speech in most test calls, in both directions; 20 ms
/// is one Opus frame, so capture delivers whole frames no later than before, and playback holds 20 ms more.
const PERIOD_MS: u32 = 20;

/// The device's own rate and channels, with a period of [`PERIOD_MS`] where the device lets us choose.
fn stream_config(supported: &cpal::SupportedStreamConfig) -> StreamConfig {
    let period = (supported.sample_rate() * PERIOD_MS / 1000).max(1);
    let buffer_size = match supported.buffer_size() {
        cpal::SupportedBufferSize::Range { min, max } if (*min..=*max).contains(&period) => cpal::BufferSize::Fixed(period),
        _ => cpal::BufferSize::Default,
    };
    StreamConfig { channels: supported.channels(), sample_rate: supported.sample_rate(), buffer_size }
}

/// The device `id` names (in any host cpal has here), or the default host's default.
fn find(direction: Direction, id: Option<&str>) -> Result<(cpal::Device, DeviceInfo), DeviceError> {
    let host = cpal::default_host();
    let default = match direction {
        Direction::Input => host.default_input_device(),
        Direction::Output => host.default_output_device(),
    };
    let default_id = default.as_ref().and_then(|d| d.id().ok()).map(|id| id.to_string());
    let device = match id {
        None => default.ok_or(DeviceError::NoDefault(direction.kind()))?,
        Some(text) => {
            let not_found = || DeviceError::NotFound { kind: direction.kind(), id: text.to_owned() };
            let parsed = DeviceId::from_str(text).map_err(|_| not_found())?;
            let host = if parsed.host() == host.id() {
                host
            } else if cpal::available_hosts().contains(&parsed.host()) {
                // The default host is another one when this one did not answer in time (cpal gives PulseAudio
                // 2 s to greet it, which a machine under heavy load can miss): that is not a missing device.
                cpal::host_from_id(parsed.host()).map_err(|e| DeviceError::Listing(e.to_string()))?
            } else {
                return Err(not_found());
            };
            let device = host.device_by_id(&parsed).ok_or_else(not_found)?;
            let fits = match direction {
                Direction::Input => device.supports_input(),
                Direction::Output => device.supports_output(),
            };
            if !fits {
                return Err(not_found());
            }
            device
        }
    };
    let described = info(&device, default_id.as_deref()).ok_or(DeviceError::NotFound {
        kind: direction.kind(),
        id: id.unwrap_or("default").to_owned(),
    })?;
    Ok((device, described))
}

fn unusable(direction: Direction, device: &DeviceInfo, error: impl std::fmt::Display) -> DeviceError {
    DeviceError::Unusable { kind: direction.kind(), name: device.name.clone(), detail: error.to_string() }
}

/// Turns cpal's stream errors into one sentence naming the device.
fn problem_reporter(
    direction: Direction,
    device: &DeviceInfo,
    mut on_problem: impl FnMut(String) + Send + 'static,
) -> impl FnMut(cpal::Error) + Send + 'static {
    let (kind, name) = (direction.kind(), device.name.clone());
    move |error| on_problem(format!("the {kind} {name:?} stopped working: {error}"))
}
