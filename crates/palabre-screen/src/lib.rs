//! Screen capture: a whole screen or one window as tightly packed BGRA pictures, for the call engine to convert
//! and encode, and the list of what can be shared (with thumbnails) for a share picker.
//!
//! X11 (an Xvfb display works): `GetImage` over the display's socket, through x11rb's pure-Rust protocol (nothing
//! to link, nothing generated at build time); screens and windows are listed and opened by id. On Wayland the
//! root window of XWayland does not show native windows: the desktop portal's own dialog picks a screen or window
//! and PipeWire carries it ([`PORTAL`]). On Windows, GDI captures the primary screen. Listing sources and
//! sharing one window by id are X11's only so far; see docs/ARCHITECTURE.md.

#[cfg(target_os = "linux")]
mod wayland;
#[cfg(windows)]
mod windows_gdi;
mod thumbnail;
#[cfg(not(windows))]
mod x11;

pub use thumbnail::{fit_within, THUMBNAIL_SIZE};
#[cfg(target_os = "linux")]
pub use wayland::PortalScreen;
#[cfg(windows)]
pub use windows_gdi::GdiScreen;
#[cfg(not(windows))]
pub use x11::{X11Screen, X11Window};

/// One captured picture: `width × height` pixels, 4 bytes each in B, G, R, A/unused order, rows packed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BgraFrame {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum ScreenError {
    #[error("cannot open display {display}: {reason}")]
    Connect { display: String, reason: String },
    #[error("display {display} has no screen {screen}")]
    NoSuchScreen { display: String, screen: usize },
    #[error("screen capture needs 24- or 32-bit colour; this screen is {depth}-bit")]
    UnsupportedDepth { depth: u8 },
    #[error("the screen could not be read: {0}")]
    Capture(String),
    #[error("{id:?} is not something to share: use screen:N or window:0xID, as `palabre-cli devices` lists them")]
    BadSourceId { id: String },
    #[error("there is no {id} on display {display}")]
    NoSuchSource { id: String, display: String },
    #[error("the shared window was closed")]
    WindowClosed,
    #[error("the desktop's screen-sharing portal did not give a screen: {0}")]
    Portal(String),
}

/// A screen or window that can be captured again and again, always at the size it had when opened.
pub trait Screen: Send {
    fn size(&self) -> (u32, u32);
    /// The screen or window as it is now.
    fn capture(&mut self) -> Result<BgraFrame, ScreenError>;
}

/// What a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Screen,
    Window,
}

/// Something the user may share, as a share picker shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    /// Stable while the source exists: `screen:0`, `window:0x1a00007`; what [`open_source`] takes.
    pub id: String,
    pub title: String,
    pub kind: SourceKind,
    pub width: u32,
    pub height: u32,
    /// The source now, scaled to fit within [`THUMBNAIL_SIZE`].
    pub thumbnail: BgraFrame,
}

/// Name of the screen the user picks in the Wayland desktop's own dialog.
pub const PORTAL: &str = "portal";

/// Opens a screen by name: an X11 display (`:99`, `:0.1`), [`PORTAL`], or when `None` the session's own (the
/// portal in a Wayland session, where X11 shows only X11 windows; else `DISPLAY`). On Windows, the primary
/// screen. The portal waits for the user's choice: call this off async threads.
pub fn open_screen(name: Option<&str>) -> Result<Box<dyn Screen>, ScreenError> {
    #[cfg(windows)]
    return Ok(Box::new(GdiScreen::open(name)?));
    #[cfg(target_os = "linux")]
    if name == Some(PORTAL) || (name.is_none() && std::env::var_os("WAYLAND_DISPLAY").is_some()) {
        return Ok(Box::new(PortalScreen::open()?));
    }
    #[cfg(not(windows))]
    Ok(Box::new(X11Screen::open(name)?))
}

/// What can be shared, screens first: on X11 the screens and top-level windows of `display` (the environment's
/// when `None`); in a Wayland session one source, [`PORTAL`], whose choice the desktop's own dialog makes (no
/// thumbnail: the desktop shows its own); on Windows the primary screen.
pub fn sources(display: Option<&str>) -> Result<Vec<SourceInfo>, ScreenError> {
    #[cfg(windows)]
    return Ok(vec![whole_screen_source(&mut GdiScreen::open(display)?, &SourceId::Screen(0).to_id())?]);
    #[cfg(target_os = "linux")]
    if display.is_none() && std::env::var_os("WAYLAND_DISPLAY").is_some() {
        let blank = BgraFrame { width: 0, height: 0, data: Vec::new() };
        return Ok(vec![SourceInfo { id: PORTAL.into(), title: String::new(), kind: SourceKind::Screen, width: 0, height: 0, thumbnail: blank }]);
    }
    #[cfg(not(windows))]
    x11::sources(display)
}

/// A whole screen as a source, its picture now as the thumbnail.
#[cfg(windows)]
fn whole_screen_source(screen: &mut dyn Screen, id: &str) -> Result<SourceInfo, ScreenError> {
    let (width, height) = screen.size();
    let thumbnail = fit_within(&screen.capture()?, THUMBNAIL_SIZE);
    Ok(SourceInfo { id: id.into(), title: String::new(), kind: SourceKind::Screen, width, height, thumbnail })
}

/// Opens the source `id` (as [`sources`] names it) of `display`.
pub fn open_source(display: Option<&str>, id: &str) -> Result<Box<dyn Screen>, ScreenError> {
    if id == PORTAL {
        return open_screen(Some(PORTAL));
    }
    #[cfg(windows)]
    return match SourceId::parse(id)? {
        SourceId::Screen(0) => open_screen(display),
        _ => Err(ScreenError::NoSuchSource { id: id.into(), display: "Windows (its primary screen only, so far)".into() }),
    };
    #[cfg(not(windows))]
    match SourceId::parse(id)? {
        SourceId::Screen(screen) => Ok(Box::new(X11Screen::open_number(display, screen)?)),
        SourceId::Window(window) => Ok(Box::new(X11Window::open(display, window)?)),
    }
}

/// A source id taken apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SourceId {
    Screen(usize),
    Window(u32),
}

impl SourceId {
    fn parse(id: &str) -> Result<SourceId, ScreenError> {
        let bad = || ScreenError::BadSourceId { id: id.to_owned() };
        if let Some(number) = id.strip_prefix("screen:") {
            return number.parse().map(SourceId::Screen).map_err(|_| bad());
        }
        let hex = id.strip_prefix("window:").and_then(|w| w.strip_prefix("0x")).ok_or_else(bad)?;
        u32::from_str_radix(hex, 16).map(SourceId::Window).map_err(|_| bad())
    }

    fn to_id(self) -> String {
        match self {
            SourceId::Screen(screen) => format!("screen:{screen}"),
            SourceId::Window(window) => format!("window:{window:#x}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_ids_go_both_ways_and_bad_ones_are_one_clear_error() {
        for id in [SourceId::Screen(0), SourceId::Screen(2), SourceId::Window(0x1a00007)] {
            assert_eq!(SourceId::parse(&id.to_id()).unwrap(), id);
        }
        assert_eq!(SourceId::Window(0x1a00007).to_id(), "window:0x1a00007");
        for bad in ["", "screen", "screen:x", "window:12", "window:0xzz", "tab:1"] {
            let error = SourceId::parse(bad).unwrap_err().to_string();
            assert!(error.contains("use screen:N or window:0xID"), "{bad}: {error}");
        }
    }
}
