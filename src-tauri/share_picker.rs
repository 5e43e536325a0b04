//! The share picker's list: the screens and windows this session can share, each with a thumbnail the webview
//! draws on a canvas.

use base64::Engine;
use palabre_screen::{SourceInfo, SourceKind};
use serde::Serialize;

use crate::commands::Problem;

#[derive(Debug, Clone, Serialize)]
pub struct ShareSource {
    /// What `act` `share-screen` takes back.
    pub id: String,
    pub title: String,
    pub kind: SourceKind,
    pub width: u32,
    pub height: u32,
    pub thumbnail_width: u32,
    pub thumbnail_height: u32,
    /// R G B A bytes, base64: what a canvas's `ImageData` takes, without an image codec on either side.
    pub thumbnail: String,
}

impl From<SourceInfo> for ShareSource {
    fn from(source: SourceInfo) -> Self {
        let mut rgba = source.thumbnail.data;
        for pixel in rgba.chunks_exact_mut(4) {
            pixel.swap(0, 2);
            // Screens leave the fourth byte unset; the canvas would take it for transparency.
            pixel[3] = 255;
        }
        ShareSource {
            id: source.id,
            title: source.title,
            kind: source.kind,
            width: source.width,
            height: source.height,
            thumbnail_width: source.thumbnail.width,
            thumbnail_height: source.thumbnail.height,
            thumbnail: base64::engine::general_purpose::STANDARD.encode(rgba),
        }
    }
}

/// What this session can share, screens first. Reading every window takes a moment: call it off async threads.
pub fn list() -> Result<Vec<ShareSource>, Problem> {
    let sources = palabre_screen::sources(None).map_err(|error| Problem::new("screen-capture", error))?;
    Ok(sources.into_iter().map(ShareSource::from).collect())
}

#[cfg(test)]
mod tests {
    use palabre_screen::BgraFrame;

    use super::*;

    #[test]
    fn thumbnails_go_to_the_webview_as_opaque_rgba() {
        let source = SourceInfo {
            id: "window:0x1".into(),
            title: "Rapport.odt".into(),
            kind: SourceKind::Window,
            width: 800,
            height: 600,
            thumbnail: BgraFrame { width: 1, height: 1, data: vec![10, 20, 30, 0] },
        };
        let shown = ShareSource::from(source);
        let pixel = base64::engine::general_purpose::STANDARD.decode(&shown.thumbnail).unwrap();
        assert_eq!(pixel, [30, 20, 10, 255]);
        assert_eq!((shown.thumbnail_width, shown.thumbnail_height), (1, 1));
    }
}
