//! Cameras through `nokhwa` (V4L2 on Linux, Media Foundation on Windows, AVFoundation on macOS): listed with
//! ids that survive a restart, opened in the mode [`choose_mode`] picks, and delivered as I420 frames.
//!
//! A camera blocks while it waits for its next picture, so each open camera has a thread of its own; it stops
//! when the returned [`Camera`] is dropped. Problems after opening (unplugged) go to `on_problem` in words.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

use nokhwa::utils::{ApiBackend, CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType, Resolution};
use palabre_media::{to_i420, PixelFormat, VideoFrame};

use crate::camera_mode::{choose_mode, CameraMode};
use crate::error::DeviceError;
use crate::list::DeviceInfo;

const KIND: &str = "camera";

/// A camera delivering frames while this is alive.
pub struct Camera {
    pub device: DeviceInfo,
    /// What the camera was opened in (the frames' size and rate).
    pub mode: CameraMode,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Camera {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // The thread notices after at most one picture.
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The cameras there are; the first is the default (the system's own order).
pub fn cameras() -> Result<Vec<DeviceInfo>, DeviceError> {
    Ok(camera_entries()?.into_iter().map(|(device, _)| device).collect())
}

fn camera_entries() -> Result<Vec<(DeviceInfo, CameraIndex)>, DeviceError> {
    let found = nokhwa::query(ApiBackend::Auto).map_err(|e| DeviceError::Listing(e.to_string()))?;
    let names: Vec<String> = found.iter().map(|camera| camera.human_name()).collect();
    Ok(stable_ids(&names)
        .into_iter()
        .zip(names)
        .zip(found)
        .enumerate()
        .map(|(position, ((id, name), camera))| (DeviceInfo { id, name, is_default: position == 0 }, camera.index().clone()))
        .collect())
}

/// A camera's id is its name, numbered from the second of a kind (`HD Webcam`, `HD Webcam #2`): the system's
/// index (`/dev/video2`) changes with the order cameras are plugged in, a name does not.
fn stable_ids(names: &[String]) -> Vec<String> {
    names
        .iter()
        .enumerate()
        .map(|(position, name)| match names[..position].iter().filter(|earlier| *earlier == name).count() {
            0 => name.clone(),
            before => format!("{name} #{}", before + 1),
        })
        .collect()
}

/// Opens the camera `id` (None: the default) and calls `on_frame` with each picture as I420. A picture that
/// cannot be converted (a corrupt MJPEG frame) is skipped.
pub fn open_camera(
    id: Option<&str>,
    mut on_frame: impl FnMut(VideoFrame) + Send + 'static,
    mut on_problem: impl FnMut(String) + Send + 'static,
) -> Result<Camera, DeviceError> {
    let mut entries = camera_entries()?.into_iter();
    let (device, index) = match id {
        None => entries.next().ok_or(DeviceError::NoDefault(KIND))?,
        Some(id) => entries.find(|(device, _)| device.id == id).ok_or_else(|| DeviceError::NotFound { kind: KIND, id: id.to_owned() })?,
    };
    let unusable = |detail: String| DeviceError::Unusable { kind: KIND, name: device.name.clone(), detail };
    let stop = Arc::new(AtomicBool::new(false));
    let (opened_tx, opened) = std::sync::mpsc::sync_channel(1);
    let name = device.name.clone();
    let stopped = stop.clone();
    // Opened on its own thread: some backends' handles may not move between threads.
    let thread = std::thread::Builder::new()
        .name("camera".into())
        .spawn(move || {
            let (mut camera, mode) = match start(index) {
                Ok(started) => started,
                Err(detail) => {
                    let _ = opened_tx.send(Err(detail));
                    return;
                }
            };
            let _ = opened_tx.send(Ok(mode));
            while !stopped.load(Ordering::Relaxed) {
                let buffer = match camera.frame() {
                    Ok(buffer) => buffer,
                    Err(error) => {
                        on_problem(format!("the camera {name:?} stopped working: {error}"));
                        break;
                    }
                };
                let size = buffer.resolution();
                match to_i420(mode.format, size.width(), size.height(), buffer.buffer()) {
                    Ok(frame) => on_frame(frame),
                    Err(error) => tracing::debug!(%error, "a camera picture skipped"),
                }
            }
            let _ = camera.stop_stream();
        })
        .map_err(|e| unusable(e.to_string()))?;
    match opened.recv() {
        Ok(Ok(mode)) => Ok(Camera { device, mode, stop, thread: Some(thread) }),
        Ok(Err(detail)) => Err(unusable(detail)),
        Err(_) => Err(unusable("its capture thread ended while opening it".into())),
    }
}

/// Opens the camera in the best mode it offers and starts its stream.
fn start(index: CameraIndex) -> Result<(nokhwa::Camera, CameraMode), String> {
    const CONVERTED: [FrameFormat; 3] = [FrameFormat::NV12, FrameFormat::YUYV, FrameFormat::MJPEG];
    let text = |error: nokhwa::NokhwaError| error.to_string();
    let mut camera = nokhwa::Camera::new(index, RequestedFormat::with_formats(RequestedFormatType::None, &CONVERTED)).map_err(text)?;
    let offered: Vec<CameraMode> = camera.compatible_camera_formats().map_err(text)?.iter().filter_map(mode_of).collect();
    let mode = choose_mode(&offered).ok_or("it offers no picture format Palabre can use (YUYV, MJPEG or NV12)")?;
    let format = CameraFormat::new(Resolution::new(mode.width, mode.height), frame_format(mode.format), mode.fps);
    camera.set_camera_requset(RequestedFormat::with_formats(RequestedFormatType::Exact(format), &CONVERTED)).map_err(text)?;
    camera.open_stream().map_err(text)?;
    Ok((camera, mode))
}

fn mode_of(format: &CameraFormat) -> Option<CameraMode> {
    let pixels = match format.format() {
        FrameFormat::NV12 => PixelFormat::Nv12,
        FrameFormat::YUYV => PixelFormat::Yuyv,
        FrameFormat::MJPEG => PixelFormat::Mjpeg,
        FrameFormat::GRAY | FrameFormat::RAWRGB | FrameFormat::RAWBGR => return None,
    };
    Some(CameraMode { width: format.width(), height: format.height(), fps: format.frame_rate(), format: pixels })
}

fn frame_format(format: PixelFormat) -> FrameFormat {
    match format {
        PixelFormat::Nv12 => FrameFormat::NV12,
        PixelFormat::Yuyv => FrameFormat::YUYV,
        PixelFormat::Mjpeg => FrameFormat::MJPEG,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twin_cameras_get_distinct_ids_that_do_not_depend_on_plug_order() {
        let names = ["HD Webcam", "Integrated Camera", "HD Webcam"].map(String::from);
        assert_eq!(stable_ids(&names), ["HD Webcam", "Integrated Camera", "HD Webcam #2"]);
    }

    /// This machine has no camera (nor do CI's): listing gives none, and opening says so in one sentence.
    #[test]
    fn without_a_camera_opening_is_a_clear_error() {
        if !cameras().unwrap().is_empty() {
            eprintln!("a camera is plugged in: the no-camera path is not tested here");
            return;
        }
        let error = open_camera(None, |_| {}, |_| {}).err().unwrap();
        assert_eq!(error.to_string(), "this computer has no camera");
        let error = open_camera(Some("Nonexistent Cam"), |_| {}, |_| {}).err().unwrap();
        assert!(matches!(error, DeviceError::NotFound { kind: "camera", .. }), "{error}");
    }
}
