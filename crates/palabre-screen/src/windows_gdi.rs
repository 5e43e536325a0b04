//! Windows capture through GDI: `BitBlt` of the primary screen into a bitmap of our own, read back as
//! top-down 32-bit BGRA with `GetDIBits`.
//!
//! Why GDI and not Windows Graphics Capture or DXGI desktop duplication: GDI works on every Windows version and
//! session (including remote desktop, where duplication is refused), needs no WinRT or Direct3D device, and at
//! 1920×1080 costs a few milliseconds per picture, inside a 5–15 fps share's budget. Duplication is the step
//! to take if profiles show the copy; it also sees the mouse pointer and protected windows differently.

use std::ptr::null_mut;

use windows_sys::Win32::Graphics::Gdi::{
    BitBlt, CreateCompatibleBitmap, CreateCompatibleDC, DeleteDC, DeleteObject, GetDC, GetDIBits, ReleaseDC,
    SelectObject, BITMAPINFO, BITMAPINFOHEADER, BI_RGB, CAPTUREBLT, DIB_RGB_COLORS, HBITMAP, HDC, HGDIOBJ, SRCCOPY,
};
use windows_sys::Win32::UI::WindowsAndMessaging::{GetSystemMetrics, SM_CXSCREEN, SM_CYSCREEN};

use crate::{BgraFrame, Screen, ScreenError};

/// The primary screen, with the device contexts and bitmap kept from one picture to the next.
pub struct GdiScreen {
    screen: HDC,
    memory: HDC,
    bitmap: HBITMAP,
    previous: HGDIOBJ,
    width: i32,
    height: i32,
}

// SAFETY: the handles are used by one thread at a time (the share's capture runs one frame after the other,
// possibly on different blocking threads), which is all GDI asks of a device context.
unsafe impl Send for GdiScreen {}

impl GdiScreen {
    /// Opens the primary screen. `name` is accepted for the X11 display's place in the CLI and ignored: Windows
    /// has one interactive desktop per session.
    pub fn open(_name: Option<&str>) -> Result<GdiScreen, ScreenError> {
        let failed = |step: &str| ScreenError::Connect { display: "the Windows desktop".into(), reason: format!("{step} failed") };
        // SAFETY: plain GDI calls; every handle obtained is checked, and released in Drop or on the way out.
        unsafe {
            let (width, height) = (GetSystemMetrics(SM_CXSCREEN), GetSystemMetrics(SM_CYSCREEN));
            if width <= 0 || height <= 0 {
                return Err(failed("GetSystemMetrics"));
            }
            let screen = GetDC(null_mut());
            if screen.is_null() {
                return Err(failed("GetDC"));
            }
            let memory = CreateCompatibleDC(screen);
            let bitmap = if memory.is_null() { null_mut() } else { CreateCompatibleBitmap(screen, width, height) };
            if bitmap.is_null() {
                if !memory.is_null() {
                    DeleteDC(memory);
                }
                ReleaseDC(null_mut(), screen);
                return Err(failed("CreateCompatibleBitmap"));
            }
            let previous = SelectObject(memory, bitmap);
            Ok(GdiScreen { screen, memory, bitmap, previous, width, height })
        }
    }
}

impl Screen for GdiScreen {
    fn size(&self) -> (u32, u32) {
        (self.width as u32, self.height as u32)
    }

    fn capture(&mut self) -> Result<BgraFrame, ScreenError> {
        let (width, height) = self.size();
        let mut data = vec![0u8; width as usize * height as usize * 4];
        let mut info = BITMAPINFO {
            bmiHeader: BITMAPINFOHEADER {
                biSize: std::mem::size_of::<BITMAPINFOHEADER>() as u32,
                biWidth: self.width,
                // Negative: rows top-down, as every other capture path and the encoder have them.
                biHeight: -self.height,
                biPlanes: 1,
                biBitCount: 32,
                biCompression: BI_RGB,
                ..Default::default()
            },
            ..Default::default()
        };
        // SAFETY: the handles live as long as self; `data` holds exactly `height` rows of `width` 32-bit pixels,
        // which is what the BITMAPINFO asks GetDIBits to write.
        let rows = unsafe {
            if BitBlt(self.memory, 0, 0, self.width, self.height, self.screen, 0, 0, SRCCOPY | CAPTUREBLT) == 0 {
                return Err(ScreenError::Capture("BitBlt of the desktop failed (is the session locked?)".into()));
            }
            GetDIBits(self.memory, self.bitmap, 0, height, data.as_mut_ptr().cast(), &mut info, DIB_RGB_COLORS)
        };
        if rows != self.height {
            return Err(ScreenError::Capture(format!("GetDIBits gave {rows} of {height} rows")));
        }
        Ok(BgraFrame { width, height, data })
    }
}

impl Drop for GdiScreen {
    fn drop(&mut self) {
        // SAFETY: handles from open(), released once, the bitmap unselected before it is deleted.
        unsafe {
            SelectObject(self.memory, self.previous);
            DeleteObject(self.bitmap);
            DeleteDC(self.memory);
            ReleaseDC(null_mut(), self.screen);
        }
    }
}

#[cfg(test)]
mod tests {
    use windows_sys::Win32::Graphics::Gdi::{CreateSolidBrush, UpdateWindow};
    use windows_sys::Win32::UI::WindowsAndMessaging::{
        CreateWindowExW, DefWindowProcW, DestroyWindow, DispatchMessageW, PeekMessageW, RegisterClassW, MSG, PM_REMOVE,
        WNDCLASSW, WS_EX_TOPMOST, WS_POPUP, WS_VISIBLE,
    };

    use super::*;

    /// Runs on Windows, and under Wine on an X server (`DISPLAY` kept; see packaging/windows/wine/run): a window
    /// of one colour covers the screen, and the capture must hold that colour.
    #[test]
    fn the_primary_screen_is_read_whole_with_what_windows_draw() {
        let mut screen = GdiScreen::open(None).unwrap_or_else(|error| panic!("no desktop to capture: {error}"));
        let (width, height) = screen.size();
        let class: Vec<u16> = "PalabreCaptureTest\0".encode_utf16().collect();
        // SAFETY: a window class and a window of our own, destroyed before the test ends; messages pumped
        // on this thread, which created the window.
        let window = unsafe {
            let orange = 0x0000_80FF; // COLORREF is 0x00BBGGRR: red 255, green 128, blue 0.
            let wndclass = WNDCLASSW {
                lpfnWndProc: Some(DefWindowProcW),
                hbrBackground: CreateSolidBrush(orange),
                lpszClassName: class.as_ptr(),
                ..std::mem::zeroed()
            };
            assert_ne!(RegisterClassW(&wndclass), 0, "window class registered");
            let style = WS_POPUP | WS_VISIBLE;
            let window =
                CreateWindowExW(WS_EX_TOPMOST, class.as_ptr(), class.as_ptr(), style, 0, 0, width as i32, height as i32, null_mut(), null_mut(), null_mut(), std::ptr::null());
            assert!(!window.is_null(), "test window created");
            UpdateWindow(window);
            window
        };
        // The window paints its background when its messages are handled; give the window system a moment.
        let mut picture = None;
        for _ in 0..50 {
            // SAFETY: MSG is plain data; the window belongs to this thread.
            unsafe {
                let mut message: MSG = std::mem::zeroed();
                while PeekMessageW(&mut message, null_mut(), 0, 0, PM_REMOVE) != 0 {
                    DispatchMessageW(&message);
                }
            }
            let captured = screen.capture().expect("a picture");
            let centre = ((height / 2 * width + width / 2) * 4) as usize;
            let done = captured.data[centre..centre + 3] == [0, 128, 255];
            picture = Some(captured);
            if done {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        // SAFETY: our window, destroyed once.
        unsafe { DestroyWindow(window) };
        let picture = picture.expect("captured");
        assert_eq!((picture.width, picture.height), (width, height));
        assert_eq!(picture.data.len(), (width * height * 4) as usize);
        let centre = ((height / 2 * width + width / 2) * 4) as usize;
        assert_eq!(&picture.data[centre..centre + 3], &[0, 128, 255], "B G R of the orange window at the centre");
    }
}
