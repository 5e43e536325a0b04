//! X11 capture through the core protocol's `GetImage` on the root window.
//!
//! `GetImage` copies the picture through the socket (8 MB per 1920×1080 frame); measured here it is well within
//! a 15 fps budget (docs/BENCHMARKS.md). MIT-SHM would save that copy and is the next step if it shows in
//! profiles.

use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ConnectionExt, ImageFormat, Window};
use x11rb::rust_connection::RustConnection;

use crate::{BgraFrame, Screen, ScreenError};

pub struct X11Screen {
    connection: RustConnection,
    root: Window,
    width: u16,
    height: u16,
}

impl X11Screen {
    pub fn open(display: Option<&str>) -> Result<X11Screen, ScreenError> {
        let name = display.map(str::to_owned).or_else(|| std::env::var("DISPLAY").ok()).unwrap_or_default();
        let (connection, screen) = x11rb::connect(display)
            .map_err(|e| ScreenError::Connect { display: name.clone(), reason: e.to_string() })?;
        let setup = connection.setup();
        let root = setup.roots.get(screen).ok_or(ScreenError::NoSuchScreen { display: name, screen })?;
        let bits_per_pixel =
            setup.pixmap_formats.iter().find(|f| f.depth == root.root_depth).map_or(0, |f| f.bits_per_pixel);
        // 24-bit colour comes as 32 bits per pixel, B G R x in memory, on every server we know of.
        if !matches!(root.root_depth, 24 | 32) || bits_per_pixel != 32 {
            return Err(ScreenError::UnsupportedDepth { depth: root.root_depth });
        }
        let (root, width, height) = (root.root, root.width_in_pixels, root.height_in_pixels);
        Ok(X11Screen { connection, root, width, height })
    }
}

impl Screen for X11Screen {
    fn size(&self) -> (u32, u32) {
        (u32::from(self.width), u32::from(self.height))
    }

    fn capture(&mut self) -> Result<BgraFrame, ScreenError> {
        let failed = |e: &dyn std::fmt::Display| ScreenError::Capture(e.to_string());
        let reply = self
            .connection
            .get_image(ImageFormat::Z_PIXMAP, self.root, 0, 0, self.width, self.height, !0)
            .map_err(|e| failed(&e))?
            .reply()
            .map_err(|e| failed(&e))?;
        let (width, height) = self.size();
        if reply.data.len() != (width * height * 4) as usize {
            return Err(ScreenError::Capture(format!("got {} bytes for a {width}x{height} screen", reply.data.len())));
        }
        Ok(BgraFrame { width, height, data: reply.data })
    }
}
