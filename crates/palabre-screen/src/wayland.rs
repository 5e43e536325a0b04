//! Wayland capture: the desktop portal asks the user which screen or window to share (its own dialog, which
//! an application cannot bypass on Wayland), then the chosen picture arrives as a PipeWire video stream.
//!
//! The portal (`org.freedesktop.portal.ScreenCast`, through `ashpd` over the session bus) hands back a PipeWire
//! remote that shows only the chosen stream. A thread of its own runs the PipeWire loop and keeps the latest
//! picture; [`Screen::capture`] copies it, so a still screen (for which the compositor sends nothing new) is
//! still shared at the share's frame rate. The portal session lives as long as that thread: the desktop's
//! "stop sharing" ends the stream, and the next capture says so.

use std::os::fd::OwnedFd;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use ashpd::desktop::screencast::{CursorMode, Screencast, SelectSourcesOptions, SourceType};
use ashpd::desktop::{PersistMode, Session};
use futures_lite::future::block_on;
use pipewire as pw;
use pw::spa;
use pw::spa::param::video::{VideoFormat, VideoInfoRaw};
use pw::spa::pod::Pod;
use pw::stream::{StreamFlags, StreamState};

use crate::{BgraFrame, Screen, ScreenError};

/// How long the first picture may take once the user has chosen: compositors send one at once.
const FIRST_PICTURE: Duration = Duration::from_secs(10);
/// Pictures larger than this are refused by the format we ask PipeWire for.
const MAX_SIDE: u32 = 8192;

/// What the user chose in the portal's dialog, streaming.
pub struct PortalScreen {
    width: u32,
    height: u32,
    latest: Arc<Latest>,
    stop: pw::channel::Sender<()>,
    thread: Option<JoinHandle<()>>,
}

/// The newest picture, or why there will be no more.
#[derive(Default)]
struct Latest {
    state: Mutex<LatestState>,
    changed: Condvar,
}

#[derive(Default)]
struct LatestState {
    picture: Option<BgraFrame>,
    ended: Option<String>,
}

impl Latest {
    fn publish(&self, picture: BgraFrame) {
        self.state.lock().expect("capture state").picture = Some(picture);
        self.changed.notify_all();
    }

    fn end(&self, reason: String) {
        self.state.lock().expect("capture state").ended.get_or_insert(reason);
        self.changed.notify_all();
    }
}

impl PortalScreen {
    /// Asks the desktop which screen or window to share, and waits for the user's answer and the first picture.
    /// Blocks meanwhile: call it off async threads.
    pub fn open() -> Result<PortalScreen, ScreenError> {
        let latest = Arc::new(Latest::default());
        let (stop, stop_requests) = pw::channel::channel();
        let (chosen_tx, chosen_rx) = std::sync::mpsc::channel();
        let thread_latest = latest.clone();
        let thread = std::thread::Builder::new()
            .name("palabre-screencast".into())
            .spawn(move || capture_thread(thread_latest, stop_requests, chosen_tx))
            .map_err(|e| portal_error(&e))?;
        // The thread says whether the portal gave a stream; then the first picture gives the size.
        let chosen = chosen_rx.recv().unwrap_or_else(|_| Err(portal_error(&"the capture thread ended")));
        let mut screen = PortalScreen { width: 0, height: 0, latest, stop, thread: Some(thread) };
        chosen?;
        let state = screen.latest.state.lock().expect("capture state");
        let (state, _) = screen
            .latest
            .changed
            .wait_timeout_while(state, FIRST_PICTURE, |s| s.picture.is_none() && s.ended.is_none())
            .expect("capture state");
        let size = match (&state.picture, &state.ended) {
            (Some(picture), _) => (picture.width, picture.height),
            (None, Some(reason)) => return Err(ScreenError::Capture(reason.clone())),
            (None, None) => return Err(ScreenError::Capture("the desktop sent no picture of the chosen screen".into())),
        };
        drop(state);
        (screen.width, screen.height) = size;
        Ok(screen)
    }
}

impl Screen for PortalScreen {
    fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    fn capture(&mut self) -> Result<BgraFrame, ScreenError> {
        let state = self.latest.state.lock().expect("capture state");
        if let Some(reason) = &state.ended {
            return Err(ScreenError::Capture(reason.clone()));
        }
        let picture = state.picture.as_ref().expect("open() waited for a first picture");
        // A shared window can be resized: the share keeps the size it started with, cropped or padded black.
        Ok(fit(picture, self.width, self.height))
    }
}

impl Drop for PortalScreen {
    fn drop(&mut self) {
        // The loop may already have ended (the stream closed); then nobody listens, which is fine.
        let _ = self.stop.send(());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// `picture` drawn at the top left of a black `width × height` one, row by row.
fn fit(picture: &BgraFrame, width: u32, height: u32) -> BgraFrame {
    if (picture.width, picture.height) == (width, height) {
        return picture.clone();
    }
    let mut data = vec![0u8; width as usize * height as usize * 4];
    let row = picture.width.min(width) as usize * 4;
    for y in 0..picture.height.min(height) as usize {
        let from = y * picture.width as usize * 4;
        let to = y * width as usize * 4;
        data[to..to + row].copy_from_slice(&picture.data[from..from + row]);
    }
    BgraFrame { width, height, data }
}

fn portal_error(reason: &dyn std::fmt::Display) -> ScreenError {
    ScreenError::Portal(reason.to_string())
}

/// The portal's answer: the PipeWire remote and the node of the chosen stream.
struct Chosen {
    remote: OwnedFd,
    node: u32,
}

/// Runs the portal's dialog, then the PipeWire loop until [`PortalScreen`] is dropped or the stream ends.
fn capture_thread(
    latest: Arc<Latest>,
    stop_requests: pw::channel::Receiver<()>,
    chosen_tx: std::sync::mpsc::Sender<Result<(), ScreenError>>,
) {
    // The dialog runs on zbus's own executor (async-io, as for the keyring); the connection it opened must then
    // stay open, since the portal ends a session whose owner left the bus.
    let portal = block_on(async {
        let proxy = Screencast::new().await?;
        let session = proxy.create_session(Default::default()).await?;
        let chosen = choose(&proxy, &session).await;
        Ok::<_, ashpd::Error>((proxy, session, chosen))
    });
    let (session, chosen) = match portal {
        Ok((_proxy, session, Ok(chosen))) => (session, chosen),
        Ok((_, _, Err(error))) | Err(error) => {
            let _ = chosen_tx.send(Err(portal_error(&error)));
            return;
        }
    };
    let _ = chosen_tx.send(Ok(()));
    if let Err(error) = stream_pictures(chosen, &latest, stop_requests) {
        latest.end(format!("the screen's PipeWire stream failed: {error}"));
    }
    let _ = block_on(session.close());
}

/// One screen or window, the pointer drawn in when the desktop can, chosen by the user.
async fn choose(proxy: &Screencast, session: &Session<Screencast>) -> Result<Chosen, ashpd::Error> {
    let cursor = if proxy.available_cursor_modes().await?.contains(CursorMode::Embedded) {
        CursorMode::Embedded
    } else {
        CursorMode::Hidden
    };
    let options = SelectSourcesOptions::default()
        .set_cursor_mode(cursor)
        .set_sources(SourceType::Monitor | SourceType::Window)
        .set_multiple(false)
        .set_persist_mode(PersistMode::DoNot);
    proxy.select_sources(session, options).await?.response()?;
    let streams = proxy.start(session, None, Default::default()).await?.response()?;
    let node = streams.streams().first().map(|stream| stream.pipe_wire_node_id());
    let node = node.ok_or_else(|| ashpd::Error::NoResponse)?;
    let remote = proxy.open_pipe_wire_remote(session, Default::default()).await?;
    Ok(Chosen { remote, node })
}

fn stream_pictures(chosen: Chosen, latest: &Arc<Latest>, stop_requests: pw::channel::Receiver<()>) -> Result<(), pw::Error> {
    pw::init();
    let main_loop = pw::main_loop::MainLoopRc::new(None)?;
    let context = pw::context::ContextRc::new(&main_loop, None)?;
    let core = context.connect_fd_rc(chosen.remote, None)?;
    let properties = pw::properties::properties! {
        *pw::keys::MEDIA_TYPE => "Video",
        *pw::keys::MEDIA_CATEGORY => "Capture",
        *pw::keys::MEDIA_ROLE => "Screen",
    };
    let stream = pw::stream::StreamBox::new(&core, "palabre-screen-share", properties)?;
    let (on_state, on_picture) = (latest.clone(), latest.clone());
    let quit = main_loop.clone();
    let _listener = stream
        .add_local_listener_with_user_data(VideoInfoRaw::default())
        .state_changed(move |_, _, _, new| match new {
            StreamState::Error(reason) => on_state.end(format!("the desktop's screen stream failed: {reason}")),
            StreamState::Unconnected => {
                on_state.end("the desktop stopped the screen share".into());
                quit.quit();
            }
            _ => {}
        })
        .param_changed(|_, format, id, param| {
            if let Some(param) = param.filter(|_| id == spa::param::ParamType::Format.as_raw()) {
                // Only the formats we offered can be chosen; a parse failure leaves the size at zero, and
                // pictures are then skipped.
                let _ = format.parse(param);
            }
        })
        .process(move |stream, format| {
            if let Some(mut buffer) = stream.dequeue_buffer() {
                if let Some(picture) = buffer.datas_mut().first_mut().and_then(|data| read_picture(data, format)) {
                    on_picture.publish(picture);
                }
            }
        })
        .register()?;
    let wanted = wanted_format();
    let mut params = [Pod::from_bytes(&wanted).expect("a pod we serialised")];
    stream.connect(
        spa::utils::Direction::Input,
        Some(chosen.node),
        StreamFlags::AUTOCONNECT | StreamFlags::MAP_BUFFERS,
        &mut params,
    )?;
    let stopper = main_loop.clone();
    let _stop = stop_requests.attach(main_loop.loop_(), move |()| stopper.quit());
    main_loop.run();
    Ok(())
}

/// A picture out of a mapped PipeWire buffer, rows packed (the buffer's stride may pad them).
fn read_picture(data: &mut spa::buffer::Data, format: &VideoInfoRaw) -> Option<BgraFrame> {
    let size = format.size();
    let (width, height) = (size.width, size.height);
    let (offset, stride) = (data.chunk().offset() as usize, data.chunk().stride() as usize);
    let row = width as usize * 4;
    if width == 0 || height == 0 || stride < row || !matches!(format.format(), VideoFormat::BGRx | VideoFormat::BGRA) {
        return None;
    }
    let bytes = data.data()?;
    let bytes = bytes.get(offset..offset + stride * (height as usize - 1) + row)?;
    let mut packed = Vec::with_capacity(row * height as usize);
    for line in bytes.chunks(stride).take(height as usize) {
        packed.extend_from_slice(&line[..row]);
    }
    Some(BgraFrame { width, height, data: packed })
}

/// B G R x or B G R A (our [`BgraFrame`] layout, so no conversion), any size up to [`MAX_SIDE`], any rate.
fn wanted_format() -> Vec<u8> {
    use spa::param::format::{FormatProperties, MediaSubtype, MediaType};
    use spa::utils::{Fraction, Rectangle, SpaTypes};
    let object = spa::pod::object!(
        SpaTypes::ObjectParamFormat,
        spa::param::ParamType::EnumFormat,
        spa::pod::property!(FormatProperties::MediaType, Id, MediaType::Video),
        spa::pod::property!(FormatProperties::MediaSubtype, Id, MediaSubtype::Raw),
        spa::pod::property!(FormatProperties::VideoFormat, Choice, Enum, Id, VideoFormat::BGRx, VideoFormat::BGRx, VideoFormat::BGRA),
        spa::pod::property!(
            FormatProperties::VideoSize,
            Choice,
            Range,
            Rectangle,
            Rectangle { width: 1920, height: 1080 },
            Rectangle { width: 1, height: 1 },
            Rectangle { width: MAX_SIDE, height: MAX_SIDE }
        ),
        spa::pod::property!(
            FormatProperties::VideoFramerate,
            Choice,
            Range,
            Fraction,
            Fraction { num: 15, denom: 1 },
            Fraction { num: 0, denom: 1 },
            Fraction { num: 60, denom: 1 }
        ),
    );
    spa::pod::serialize::PodSerializer::serialize(std::io::Cursor::new(Vec::new()), &spa::pod::Value::Object(object))
        .expect("a fixed format serialises")
        .0
        .into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture(width: u32, height: u32, value: u8) -> BgraFrame {
        BgraFrame { width, height, data: vec![value; (width * height * 4) as usize] }
    }

    #[test]
    fn a_resized_window_is_cropped_or_padded_to_the_share_size() {
        let smaller = fit(&picture(2, 1, 9), 3, 2);
        assert_eq!(smaller.data, [9, 9, 9, 9, 9, 9, 9, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let larger = fit(&picture(4, 4, 7), 2, 1);
        assert_eq!((larger.width, larger.height, larger.data), (2, 1, vec![7; 8]));
    }

    #[test]
    fn the_format_asked_of_pipewire_is_a_valid_pod() {
        let bytes = wanted_format();
        assert!(Pod::from_bytes(&bytes).is_some_and(|pod| pod.is_object()));
    }

    /// This machine has no Wayland compositor or portal: asking is one clear error, not a hang or a panic.
    #[test]
    fn without_a_portal_the_share_is_refused_in_words() {
        let dir = std::env::temp_dir().join(format!("palabre-no-bus-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // A session bus address where nothing listens.
        std::env::set_var("DBUS_SESSION_BUS_ADDRESS", format!("unix:path={}", dir.join("bus").display()));
        let error = PortalScreen::open().err().expect("no portal here").to_string();
        assert!(error.starts_with("the desktop's screen-sharing portal did not give a screen: "), "{error}");
    }
}
