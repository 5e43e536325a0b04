//! VP8 video coding through the system libvpx.

mod context;
mod decoder;
mod encoder;
mod image;

pub use decoder::Vp8Decoder;
pub use encoder::Vp8Encoder;
