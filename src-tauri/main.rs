//! `palabre`: the desktop app. A Tauri v2 shell around the webview UI in `ui/`.
//!
//! The shell owns everything the webview must not: links and their secrets, the call engine (`palabre-rtc`), the
//! room server it can host (`palabre-server`). The UI reaches it only through the IPC commands of [`commands`],
//! and hears back through events (`meeting-view`, `meeting-event`) and a raw video channel.
//!
//! Usage: `palabre [LINK]` opens the window with LINK already checked.

// A release build on Windows is a GUI program: no console window behind it.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod hosting;
mod launch;
mod meeting;
mod video_channel;
mod view;

use launch::LaunchLink;

fn main() {
    let launch = LaunchLink::from_args(std::env::args_os().skip(1));
    let result = tauri::Builder::default()
        .manage(launch)
        .manage(meeting::Meeting::default())
        .manage(hosting::Hosting::default())
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::parse_link,
            commands::launch_link,
            commands::host_meeting,
            commands::join_meeting,
            commands::leave_meeting,
            commands::meeting_view,
            commands::act,
        ])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("palabre: the window could not start: {error}");
        std::process::exit(1);
    }
}
