//! Which of a camera's modes to capture in: pure, so the choice is tested without a camera.
//!
//! A call wants 1280×720 at 30 frames a second. Cameras offer a list of (size, rate, pixel format); many give
//! 720p at 30 only as MJPEG (raw YUYV over USB 2 is often 10 fps at that size). So a rate under 15 weighs
//! more than the format, a size over 720p (which would cost CPU to encode) is taken only when nothing smaller
//! exists, and among equals the raw formats win because they need no decoding.

use palabre_media::PixelFormat;

/// One way a camera can deliver pictures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CameraMode {
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    pub format: PixelFormat,
}

const WANTED_AREA: u64 = 1280 * 720;
const WANTED_FPS: u32 = 30;
const SMOOTH_ENOUGH_FPS: u32 = 15;

/// The best mode for a call among `offered`, or None when none is usable (odd sizes and zero rates are not).
pub fn choose_mode(offered: &[CameraMode]) -> Option<CameraMode> {
    offered
        .iter()
        .filter(|mode| mode.width > 0 && mode.height > 0 && mode.width % 2 == 0 && mode.height % 2 == 0 && mode.fps > 0)
        .min_by_key(|mode| {
            let area = u64::from(mode.width) * u64::from(mode.height);
            (mode.fps < SMOOTH_ENOUGH_FPS, area > WANTED_AREA, area.abs_diff(WANTED_AREA), mode.fps.abs_diff(WANTED_FPS), format_cost(mode.format))
        })
        .copied()
}

/// How much work a format is before encoding.
fn format_cost(format: PixelFormat) -> u8 {
    match format {
        PixelFormat::Nv12 => 0,
        PixelFormat::Yuyv => 1,
        PixelFormat::Mjpeg => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(width: u32, height: u32, fps: u32, format: PixelFormat) -> CameraMode {
        CameraMode { width, height, fps, format }
    }

    #[test]
    fn a_typical_usb_webcam_gives_720p30_through_mjpeg() {
        let offered = [
            mode(640, 480, 30, PixelFormat::Yuyv),
            mode(1280, 720, 10, PixelFormat::Yuyv),
            mode(1280, 720, 30, PixelFormat::Mjpeg),
            mode(1920, 1080, 30, PixelFormat::Mjpeg),
        ];
        assert_eq!(choose_mode(&offered), Some(mode(1280, 720, 30, PixelFormat::Mjpeg)));
    }

    #[test]
    fn raw_wins_among_equals() {
        let offered = [mode(1280, 720, 30, PixelFormat::Mjpeg), mode(1280, 720, 30, PixelFormat::Yuyv)];
        assert_eq!(choose_mode(&offered), Some(mode(1280, 720, 30, PixelFormat::Yuyv)));
    }

    #[test]
    fn without_720p_the_nearest_smaller_size_at_a_smooth_rate() {
        let offered = [
            mode(320, 240, 30, PixelFormat::Yuyv),
            mode(640, 480, 30, PixelFormat::Yuyv),
            mode(800, 600, 5, PixelFormat::Yuyv),
            mode(1920, 1080, 30, PixelFormat::Mjpeg),
        ];
        assert_eq!(choose_mode(&offered), Some(mode(640, 480, 30, PixelFormat::Yuyv)));
        // Larger than 720p only when that is all there is.
        assert_eq!(choose_mode(&offered[3..]), Some(mode(1920, 1080, 30, PixelFormat::Mjpeg)));
        // A slow camera is still a camera.
        assert_eq!(choose_mode(&offered[2..3]), Some(mode(800, 600, 5, PixelFormat::Yuyv)));
    }

    #[test]
    fn unusable_modes_are_never_chosen() {
        assert_eq!(choose_mode(&[]), None);
        assert_eq!(choose_mode(&[mode(641, 480, 30, PixelFormat::Yuyv), mode(640, 480, 0, PixelFormat::Yuyv)]), None);
    }
}
