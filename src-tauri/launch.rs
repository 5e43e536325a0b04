//! What the app was started with: `palabre LINK` opens that link.

use std::ffi::OsString;

/// The link given on the command line, kept for the window to ask for once its UI has loaded.
///
/// Only the first argument counts, and only when it is not a flag (`-…`): desktop environments and
/// `xdg-open` pass the link as the first argument, and flags belong to the toolkit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LaunchLink(Option<String>);

impl LaunchLink {
    /// Reads the arguments that follow the program name.
    pub fn from_args<I>(args: I) -> Self
    where
        I: IntoIterator<Item = OsString>,
    {
        let first = args.into_iter().next();
        // A link that is not valid UTF-8 still reaches the parser, which then says it is damaged.
        let text = first.map(|arg| arg.to_string_lossy().into_owned());
        LaunchLink(text.filter(|text| !text.starts_with('-')))
    }

    /// The link text, if the app was started with one.
    pub fn text(&self) -> Option<&str> {
        self.0.as_deref()
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
        assert_eq!(launch.text(), Some("palabre://h/R?token=t"));
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
        assert_eq!(LaunchLink::from_args(args(&["https://x"])).text(), Some("https://x"));
    }
}
