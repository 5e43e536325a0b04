//! `palabre`: the desktop app. A Tauri v2 shell around the webview UI in `ui/`.
//!
//! The shell owns everything the webview must not: parsing links (through `palabre-core`), and later the call
//! engine, devices and settings. The UI reaches it only through the IPC commands of [`commands`].
//!
//! Usage: `palabre [LINK]` opens the window with LINK already checked.

// A release build on Windows is a GUI program: no console window behind it.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod launch;

use launch::LaunchLink;

fn main() {
    let launch = LaunchLink::from_args(std::env::args_os().skip(1));
    let result = tauri::Builder::default()
        .manage(launch)
        .invoke_handler(tauri::generate_handler![commands::app_info, commands::parse_link, commands::launch_link,])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("palabre: the window could not start: {error}");
        std::process::exit(1);
    }
}
