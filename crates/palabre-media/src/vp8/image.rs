//! Conversions between [`VideoFrame`] and libvpx's `vpx_image_t`.

use std::marker::PhantomData;
use std::ptr;

use vpx_sys::{vpx_color_range, vpx_color_space, vpx_image_t, vpx_img_fmt};

use crate::error::CodecError;
use crate::frame::VideoFrame;

/// A `vpx_image_t` describing a frame's planes in place, for the encoder to read without a copy.
/// The lifetime keeps the frame borrowed, and so its planes alive and unchanged, while libvpx may read them.
pub(super) struct BorrowedImage<'frame> {
    raw: vpx_image_t,
    _frame: PhantomData<&'frame VideoFrame>,
}

impl<'frame> BorrowedImage<'frame> {
    /// Describes `frame`, whose planes must match its dimensions (checked by the caller).
    pub(super) fn new(frame: &'frame VideoFrame) -> Self {
        debug_assert!(frame.planes_match_dimensions());
        let luma_stride = frame.width as i32;
        let chroma_stride = frame.chroma_width() as i32;
        // libvpx's image type has mutable plane pointers, but an encoder only reads its input.
        let plane = |bytes: &[u8]| bytes.as_ptr().cast_mut();
        let raw = vpx_image_t {
            fmt: vpx_img_fmt::VPX_IMG_FMT_I420,
            cs: vpx_color_space::VPX_CS_BT_601,
            range: vpx_color_range::VPX_CR_STUDIO_RANGE,
            w: frame.width,
            h: frame.height,
            bit_depth: 8,
            d_w: frame.width,
            d_h: frame.height,
            r_w: 0,
            r_h: 0,
            x_chroma_shift: 1,
            y_chroma_shift: 1,
            planes: [
                plane(&frame.y),
                plane(&frame.u),
                plane(&frame.v),
                ptr::null_mut(),
            ],
            stride: [luma_stride, chroma_stride, chroma_stride, 0],
            bps: 12,
            user_priv: ptr::null_mut(),
            img_data: ptr::null_mut(),
            img_data_owner: 0,
            self_allocd: 0,
            fb_priv: ptr::null_mut(),
        };
        Self {
            raw,
            _frame: PhantomData,
        }
    }

    pub(super) fn as_ptr(&self) -> *const vpx_image_t {
        &self.raw
    }
}

/// Copies a decoded image into a tightly packed frame, row by row since libvpx pads its rows.
pub(super) fn copy_to_frame(image: &vpx_image_t) -> Result<VideoFrame, CodecError> {
    if image.fmt != vpx_img_fmt::VPX_IMG_FMT_I420 {
        return Err(CodecError::InvalidFrame(format!(
            "decoder produced {:?}, not I420",
            image.fmt
        )));
    }
    let mut frame = VideoFrame::black(image.d_w, image.d_h);
    let chroma_width = frame.chroma_width();
    // SAFETY: a decoded I420 image has three planes of at least d_w x d_h luma and
    // ceil(d_w/2) x ceil(d_h/2) chroma samples, each row `stride` bytes after the previous one.
    unsafe {
        copy_plane(image.planes[0], image.stride[0], image.d_w, &mut frame.y);
        copy_plane(image.planes[1], image.stride[1], chroma_width, &mut frame.u);
        copy_plane(image.planes[2], image.stride[2], chroma_width, &mut frame.v);
    }
    Ok(frame)
}

/// Copies `destination.len() / width` rows of `width` bytes from a plane whose rows are `stride` apart.
///
/// # Safety
/// `source` must point to that many rows of at least `width` readable bytes, `stride` bytes apart.
unsafe fn copy_plane(source: *const u8, stride: i32, width: u32, destination: &mut [u8]) {
    if width == 0 {
        return;
    }
    for (row_index, row) in destination.chunks_exact_mut(width as usize).enumerate() {
        let row_start = unsafe { source.offset(row_index as isize * stride as isize) };
        row.copy_from_slice(unsafe { std::slice::from_raw_parts(row_start, row.len()) });
    }
}
