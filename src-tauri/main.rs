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
mod device_check;
mod diagnostics;
mod hosting;
mod launch;
mod meeting;
mod recent_rooms;
mod settings;
mod share_picker;
mod video_channel;
mod view;

use launch::LaunchLink;
use tauri::Manager;
use tauri_plugin_deep_link::DeepLinkExt;

fn main() {
    // Before anything opens a window: installers and IT scripts ask for it on machines with no display.
    if std::env::args_os().nth(1).is_some_and(|arg| arg == "--version") {
        println!("palabre {}", env!("CARGO_PKG_VERSION"));
        return;
    }
    let launch = LaunchLink::from_args(std::env::args_os().skip(1));
    let result = tauri::Builder::default()
        // First, so that a second `palabre LINK` hands its link to this window and exits before opening its own.
        .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
            if let Some(text) = LaunchLink::from_args(argv.into_iter().skip(1).map(Into::into)).text() {
                launch::open(app, text);
            }
        }))
        .plugin(tauri_plugin_deep_link::init())
        .setup(|app| {
            let paths = app.path();
            let log = paths.app_log_dir().ok().and_then(|dir| diagnostics::start_log(&dir));
            tracing::info!(version = %app.package_info().version, "Palabre starts");
            app.manage(commands::LogFile(log));
            // After the log, which records what was wrong with the policy's values.
            app.manage(palabre_policy::Policy::load().policy);
            let config_dir = paths.app_config_dir()?;
            app.manage(settings::SettingsStore::open(&config_dir));
            let handle = app.handle().clone();
            app.deep_link().on_open_url(move |event| {
                for url in event.urls() {
                    launch::open(&handle, url.to_string());
                }
            });
            Ok(())
        })
        .manage(launch)
        .manage(meeting::Meeting::default())
        .manage(hosting::Hosting::default())
        .manage(device_check::DeviceChecks::default())
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::parse_link,
            commands::launch_link,
            commands::host_meeting,
            commands::join_meeting,
            commands::leave_meeting,
            commands::meeting_view,
            commands::act,
            commands::settings,
            commands::save_settings,
            commands::diagnostics,
            commands::forget_room,
            commands::managed,
            commands::devices,
            commands::start_mic_meter,
            commands::stop_mic_meter,
            commands::camera_name,
            commands::start_camera_preview,
            commands::stop_camera_preview,
            commands::play_test_sound,
            commands::share_sources,
        ])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("palabre: the window could not start: {error}");
        std::process::exit(1);
    }
}
