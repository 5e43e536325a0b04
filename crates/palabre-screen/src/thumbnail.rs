//! Small pictures of sources for a share picker, scaled by libyuv (box filter: text shrinks to grey, not noise).

use crate::BgraFrame;

/// Thumbnails fit within this size, keeping the source's proportions.
pub const THUMBNAIL_SIZE: (u32, u32) = (320, 180);

/// `picture` scaled down (never up) to fit within `bounds`, proportions kept, each side at least 1 pixel.
pub fn fit_within(picture: &BgraFrame, bounds: (u32, u32)) -> BgraFrame {
    let (width, height) = (picture.width.max(1), picture.height.max(1));
    let scale = f64::min(f64::from(bounds.0) / f64::from(width), f64::from(bounds.1) / f64::from(height)).min(1.0);
    let to_width = ((f64::from(width) * scale).round() as u32).max(1);
    let to_height = ((f64::from(height) * scale).round() as u32).max(1);
    if picture.data.len() != (picture.width * picture.height * 4) as usize || picture.width == 0 || picture.height == 0 {
        return BgraFrame { width: to_width, height: to_height, data: vec![0; (to_width * to_height * 4) as usize] };
    }
    let mut data = vec![0; (to_width * to_height * 4) as usize];
    // SAFETY: the source holds exactly width x height x 4 bytes (checked above) and the destination
    // to_width x to_height x 4; libyuv reads and writes nothing else.
    unsafe {
        yuv_sys::rs_ARGBScale(
            picture.data.as_ptr(),
            picture.width as i32 * 4,
            picture.width as i32,
            picture.height as i32,
            data.as_mut_ptr(),
            to_width as i32 * 4,
            to_width as i32,
            to_height as i32,
            yuv_sys::FilterMode_kFilterBox,
        );
    }
    BgraFrame { width: to_width, height: to_height, data }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_1080p_screen_shrinks_to_320x180_and_keeps_its_colour() {
        let screen = BgraFrame { width: 1920, height: 1080, data: [10, 20, 200, 255].repeat(1920 * 1080) };
        let small = fit_within(&screen, THUMBNAIL_SIZE);
        assert_eq!((small.width, small.height), (320, 180));
        assert!(small.data.chunks(4).all(|p| p == [10, 20, 200, 255]));
    }

    #[test]
    fn a_tall_window_fits_by_its_height_and_a_small_one_is_not_enlarged() {
        let tall = BgraFrame { width: 400, height: 900, data: vec![255; 400 * 900 * 4] };
        let small = fit_within(&tall, THUMBNAIL_SIZE);
        assert_eq!((small.width, small.height), (80, 180));
        let tiny = BgraFrame { width: 100, height: 50, data: vec![255; 100 * 50 * 4] };
        assert_eq!(fit_within(&tiny, THUMBNAIL_SIZE), tiny);
    }
}
