//! X11 capture through the core protocol's `GetImage`: a whole screen (its root window) or one top-level window.
//!
//! `GetImage` copies the picture through the socket (8 MB per 1920×1080 frame); measured here it is well within
//! a 15 fps budget (docs/BENCHMARKS.md). MIT-SHM would save that copy and is the next step if it shows in
//! profiles. Windows are listed from the window manager's `_NET_CLIENT_LIST` (EWMH), or, with no window manager
//! (a bare Xvfb), from the root's mapped children that have a title.

use x11rb::connection::Connection;
use x11rb::errors::ReplyError;
use x11rb::protocol::xproto::{
    AtomEnum, ConnectionExt, ImageFormat, MapState, Screen as RootScreen, Window, WindowClass,
};
use x11rb::protocol::ErrorKind;
use x11rb::rust_connection::RustConnection;

use crate::thumbnail::{fit_within, THUMBNAIL_SIZE};
use crate::{BgraFrame, Screen, ScreenError, SourceId, SourceInfo, SourceKind};

/// A display's connection, with the name it was opened by (for messages).
struct Display {
    connection: RustConnection,
    name: String,
    default_screen: usize,
}

impl Display {
    fn open(display: Option<&str>) -> Result<Display, ScreenError> {
        let name = display.map(str::to_owned).or_else(|| std::env::var("DISPLAY").ok()).unwrap_or_default();
        let (connection, default_screen) = x11rb::connect(display)
            .map_err(|e| ScreenError::Connect { display: name.clone(), reason: e.to_string() })?;
        Ok(Display { connection, name, default_screen })
    }

    /// Screen `number`, checked to give 32-bit pixels (B G R x in memory).
    fn screen(&self, number: usize) -> Result<&RootScreen, ScreenError> {
        let setup = self.connection.setup();
        let root = setup.roots.get(number).ok_or(ScreenError::NoSuchScreen { display: self.name.clone(), screen: number })?;
        self.check_depth(root.root_depth)?;
        Ok(root)
    }

    /// 24-bit colour comes as 32 bits per pixel, B G R x in memory, on every server we know of.
    fn check_depth(&self, depth: u8) -> Result<(), ScreenError> {
        let bits_per_pixel =
            self.connection.setup().pixmap_formats.iter().find(|f| f.depth == depth).map_or(0, |f| f.bits_per_pixel);
        if !matches!(depth, 24 | 32) || bits_per_pixel != 32 {
            return Err(ScreenError::UnsupportedDepth { depth });
        }
        Ok(())
    }
}

fn capture_failed(error: impl std::fmt::Display) -> ScreenError {
    ScreenError::Capture(error.to_string())
}

/// Whether `error` says the window is gone.
fn window_gone(error: &ReplyError) -> bool {
    matches!(error, ReplyError::X11Error(e) if matches!(e.error_kind, ErrorKind::Window | ErrorKind::Drawable))
}

/// `GetImage` of a `width × height` rectangle of `drawable` at (x, y), as tight BGRA rows.
fn get_image(connection: &RustConnection, drawable: Window, x: i16, y: i16, width: u16, height: u16) -> Result<BgraFrame, ReplyError> {
    let reply = connection.get_image(ImageFormat::Z_PIXMAP, drawable, x, y, width, height, !0)?.reply()?;
    let (width, height) = (u32::from(width), u32::from(height));
    // At 32 bits per pixel rows have no padding, so the reply is the picture as it is.
    let mut data = reply.data;
    data.resize((width * height * 4) as usize, 0);
    Ok(BgraFrame { width, height, data })
}

/// A whole screen: its root window.
pub struct X11Screen {
    display: Display,
    root: Window,
    width: u16,
    height: u16,
}

impl X11Screen {
    /// The display's default screen.
    pub fn open(display: Option<&str>) -> Result<X11Screen, ScreenError> {
        let opened = Display::open(display)?;
        let number = opened.default_screen;
        X11Screen::on(opened, number)
    }

    /// Screen `number` of the display (`screen:N`).
    pub fn open_number(display: Option<&str>, number: usize) -> Result<X11Screen, ScreenError> {
        X11Screen::on(Display::open(display)?, number)
    }

    fn on(display: Display, number: usize) -> Result<X11Screen, ScreenError> {
        let root = display.screen(number)?;
        let (root, width, height) = (root.root, root.width_in_pixels, root.height_in_pixels);
        Ok(X11Screen { display, root, width, height })
    }
}

impl Screen for X11Screen {
    fn size(&self) -> (u32, u32) {
        (u32::from(self.width), u32::from(self.height))
    }

    fn capture(&mut self) -> Result<BgraFrame, ScreenError> {
        get_image(&self.display.connection, self.root, 0, 0, self.width, self.height).map_err(capture_failed)
    }
}

/// One top-level window. Its pictures keep the size the window had when opened: a window made larger is cropped
/// (its top-left part is shared), one made smaller is shown in the top-left corner on black. The encoder, the
/// receivers' decoders and their recordings all keep one size, with no new keyframe burst at each resize; the
/// sharer can stop and share again to take the new size.
pub struct X11Window {
    display: Display,
    window: Window,
    root: Window,
    root_size: (i32, i32),
    width: u32,
    height: u32,
}

impl X11Window {
    pub fn open(display: Option<&str>, window: Window) -> Result<X11Window, ScreenError> {
        let display = Display::open(display)?;
        let id = SourceId::Window(window).to_id();
        let no_such = || ScreenError::NoSuchSource { id: id.clone(), display: display.name.clone() };
        let geometry = display.connection.get_geometry(window).map_err(capture_failed)?.reply().map_err(|_| no_such())?;
        display.check_depth(geometry.depth)?;
        let root = display
            .connection
            .setup()
            .roots
            .iter()
            .find(|screen| screen.root == geometry.root)
            .ok_or_else(no_such)?;
        let root_size = (i32::from(root.width_in_pixels), i32::from(root.height_in_pixels));
        let (width, height) = (u32::from(geometry.width), u32::from(geometry.height));
        Ok(X11Window { root: geometry.root, display, window, root_size, width, height })
    }
}

impl Screen for X11Window {
    fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// The part of the window that is on the screen (`GetImage` refuses a rectangle that goes past the screen's
    /// edge), placed in a picture of the opening size; an unmapped (minimised) window gives black.
    fn capture(&mut self) -> Result<BgraFrame, ScreenError> {
        let connection = &self.display.connection;
        let gone = |e: ReplyError| if window_gone(&e) { ScreenError::WindowClosed } else { capture_failed(e) };
        let geometry = connection.get_geometry(self.window).map_err(capture_failed)?.reply().map_err(gone)?;
        let origin = connection.translate_coordinates(self.window, self.root, 0, 0).map_err(capture_failed)?.reply().map_err(gone)?;
        let (x, y) = (i32::from(origin.dst_x), i32::from(origin.dst_y));
        // The visible rectangle, in window coordinates, within the picture's size.
        let (left, top) = ((-x).max(0), (-y).max(0));
        let right = i32::from(geometry.width).min(self.root_size.0 - x).min(self.width as i32);
        let bottom = i32::from(geometry.height).min(self.root_size.1 - y).min(self.height as i32);
        let mut picture = BgraFrame { width: self.width, height: self.height, data: vec![0; (self.width * self.height * 4) as usize] };
        if right <= left || bottom <= top {
            return Ok(picture);
        }
        let part = match get_image(connection, self.window, left as i16, top as i16, (right - left) as u16, (bottom - top) as u16) {
            Ok(part) => part,
            // `Match`: the window is not viewable right now.
            Err(ReplyError::X11Error(e)) if e.error_kind == ErrorKind::Match => return Ok(picture),
            Err(e) => return Err(gone(e)),
        };
        let row = part.width as usize * 4;
        let stride = self.width as usize * 4;
        for (index, line) in part.data.chunks_exact(row).enumerate() {
            let start = (top as usize + index) * stride + left as usize * 4;
            picture.data[start..start + row].copy_from_slice(line);
        }
        Ok(picture)
    }
}

/// What [`crate::sources`] lists: every screen of the display, then its top-level windows.
pub fn sources(display: Option<&str>) -> Result<Vec<SourceInfo>, ScreenError> {
    let opened = Display::open(display)?;
    let mut sources = Vec::new();
    let screens = opened.connection.setup().roots.len();
    for number in 0..screens {
        let Ok(mut screen) = X11Screen::open_number(display, number) else { continue };
        let (width, height) = screen.size();
        let picture = screen.capture()?;
        sources.push(SourceInfo {
            id: SourceId::Screen(number).to_id(),
            title: format!("Screen {}", number + 1),
            kind: SourceKind::Screen,
            width,
            height,
            thumbnail: fit_within(&picture, THUMBNAIL_SIZE),
        });
    }
    let root = opened.connection.setup().roots[opened.default_screen].root;
    for window in top_level_windows(&opened.connection, root).map_err(capture_failed)? {
        // A window closed while we list is left out; so is one we cannot capture (an unusual depth).
        let Ok(mut capture) = X11Window::open(display, window) else { continue };
        let Ok(picture) = capture.capture() else { continue };
        let (width, height) = capture.size();
        sources.push(SourceInfo {
            id: SourceId::Window(window).to_id(),
            title: title(&opened.connection, window).unwrap_or_default(),
            kind: SourceKind::Window,
            width,
            height,
            thumbnail: fit_within(&picture, THUMBNAIL_SIZE),
        });
    }
    Ok(sources)
}

/// The window manager's list of managed windows; without one, the root's mapped input-output children that
/// have a title (what a bare X server shows).
fn top_level_windows(connection: &RustConnection, root: Window) -> Result<Vec<Window>, ReplyError> {
    let client_list = connection.intern_atom(false, b"_NET_CLIENT_LIST")?.reply()?.atom;
    let managed = connection.get_property(false, root, client_list, AtomEnum::WINDOW, 0, u32::MAX)?.reply()?;
    if let Some(windows) = managed.value32().filter(|_| managed.value_len > 0) {
        return Ok(windows.collect());
    }
    let mut windows = Vec::new();
    for child in connection.query_tree(root)?.reply()?.children {
        let Ok(attributes) = connection.get_window_attributes(child)?.reply() else { continue };
        let shown = attributes.map_state == MapState::VIEWABLE && attributes.class == WindowClass::INPUT_OUTPUT;
        if shown && !attributes.override_redirect && title(connection, child).is_some_and(|t| !t.is_empty()) {
            windows.push(child);
        }
    }
    Ok(windows)
}

/// `_NET_WM_NAME` (UTF-8), or else the ICCCM `WM_NAME`.
fn title(connection: &RustConnection, window: Window) -> Option<String> {
    let text = |property: u32| -> Option<String> {
        let reply = connection.get_property(false, window, property, AtomEnum::ANY, 0, 1024).ok()?.reply().ok()?;
        (reply.value_len > 0).then(|| String::from_utf8_lossy(&reply.value).into_owned())
    };
    let net_wm_name = connection.intern_atom(false, b"_NET_WM_NAME").ok()?.reply().ok()?.atom;
    text(net_wm_name).or_else(|| text(AtomEnum::WM_NAME.into()))
}
