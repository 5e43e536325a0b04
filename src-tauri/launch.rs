//! Links the app is asked to open: `palabre LINK` at start, then links clicked while it runs (handed over by a
//! second instance, or by the system's URL event on macOS).

use std::ffi::OsString;
use std::sync::Mutex;

use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::commands::{check_link, LinkSummary, Problem};

/// The last link the app was asked to open, kept in Rust (it may carry an access token) for the window to ask
/// about and to join.
///
/// Only the first argument counts, and only when it is not a flag (`-…`): desktop environments and
/// `xdg-open` pass the link as the first argument, and flags belong to the toolkit.
#[derive(Debug, Default)]
pub struct LaunchLink(Mutex<Option<String>>);

impl LaunchLink {
    /// Reads the arguments that follow the program name.
    pub fn from_args<I>(args: I) -> Self
    where
        I: IntoIterator<Item = OsString>,
    {
        let first = args.into_iter().next();
        // A link that is not valid UTF-8 still reaches the parser, which then says it is damaged.
        let text = first.map(|arg| arg.to_string_lossy().into_owned());
        LaunchLink(Mutex::new(text.filter(|text| !text.starts_with('-'))))
    }

    /// The link text, if there is one.
    pub fn text(&self) -> Option<String> {
        self.0.lock().expect("launch link lock").clone()
    }

    fn replace(&self, text: String) {
        *self.0.lock().expect("launch link lock") = Some(text);
    }
}

/// What the window hears when a link is opened while it runs: the room, or what is wrong with the link.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OpenedLink {
    Link(LinkSummary),
    Problem(Problem),
}

/// Takes a link opened while the app runs: keeps it, tells the window, and brings the window forward.
pub fn open<R: Runtime>(app: &AppHandle<R>, text: String) {
    let opened = match check_link(&text) {
        Ok(summary) => OpenedLink::Link(summary),
        Err(problem) => OpenedLink::Problem(problem),
    };
    app.state::<LaunchLink>().replace(text);
    let _ = app.emit("open-link", opened);
    if let Some(window) = app.get_webview_window("main") {
        if window.is_minimized().unwrap_or(false) {
            let _ = window.unminimize();
        }
        let _ = window.set_focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn first_argument_is_the_link() {
        let launch = LaunchLink::from_args(args(&["palabre://h/R?token=t", "extra"]));
        assert_eq!(launch.text().as_deref(), Some("palabre://h/R?token=t"));
    }

    #[test]
    fn no_argument_means_no_link() {
        assert_eq!(LaunchLink::from_args(args(&[])).text(), None);
    }

    #[test]
    fn a_flag_is_not_a_link() {
        assert_eq!(LaunchLink::from_args(args(&["--verbose", "palabre://h/R"])).text(), None);
    }

    #[test]
    fn an_invalid_link_is_still_passed_on_to_be_explained() {
        assert_eq!(LaunchLink::from_args(args(&["https://x"])).text().as_deref(), Some("https://x"));
    }
}
