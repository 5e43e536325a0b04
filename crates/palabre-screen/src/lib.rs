//! Screen capture: a whole screen as tightly packed BGRA pictures, for the call engine to convert and encode.
//!
//! X11 only so far (an Xvfb display works): `GetImage` on the root window over the display's socket, through
//! x11rb's pure-Rust protocol (nothing to link, nothing generated at build time). On Wayland the root window
//! of XWayland does not show native windows: the portal and PipeWire path is the next step, and so is Windows
//! (DXGI desktop duplication or Windows Graphics Capture); see docs/ARCHITECTURE.md.

#[cfg(target_os = "linux")]
mod wayland;
#[cfg(windows)]
mod windows_gdi;
mod x11;

#[cfg(target_os = "linux")]
pub use wayland::PortalScreen;
#[cfg(windows)]
pub use windows_gdi::GdiScreen;
pub use x11::X11Screen;

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
    #[error("the desktop's screen-sharing portal did not give a screen: {0}")]
    Portal(String),
}

/// A screen that can be captured again and again.
pub trait Screen: Send {
    fn size(&self) -> (u32, u32);
    /// The screen as it is now.
    fn capture(&mut self) -> Result<BgraFrame, ScreenError>;
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
