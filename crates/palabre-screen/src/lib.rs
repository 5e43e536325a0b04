//! Screen capture: a whole screen as tightly packed BGRA pictures, for the call engine to convert and encode.
//!
//! X11 only so far (an Xvfb display works): `GetImage` on the root window over the display's socket, through
//! x11rb's pure-Rust protocol (nothing to link, nothing generated at build time). On Wayland the root window
//! of XWayland does not show native windows: the portal and PipeWire path is the next step, and so is Windows
//! (DXGI desktop duplication or Windows Graphics Capture); see docs/ARCHITECTURE.md.

#[cfg(windows)]
mod windows_gdi;
mod x11;

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
}

/// A screen that can be captured again and again.
pub trait Screen: Send {
    fn size(&self) -> (u32, u32);
    /// The screen as it is now.
    fn capture(&mut self) -> Result<BgraFrame, ScreenError>;
}

/// Opens a screen by name: an X11 display (`:99`, `:0.1`), or the `DISPLAY` of the environment when `None`;
/// on Windows, the primary screen.
pub fn open_screen(name: Option<&str>) -> Result<Box<dyn Screen>, ScreenError> {
    #[cfg(windows)]
    return Ok(Box::new(GdiScreen::open(name)?));
    #[cfg(not(windows))]
    Ok(Box::new(X11Screen::open(name)?))
}
