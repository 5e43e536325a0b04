//! Build script of the `palabre` desktop app: lets `tauri-build` read `tauri.conf.json` (next to Cargo.toml),
//! resolve the capabilities and prepare the icons; `generate_context!` in main.rs then embeds `ui/`.

fn main() {
    // `generate_context!` tracks the UI files that exist when it runs; a file added to ui/ or icons/ must
    // rebuild the app too.
    println!("cargo:rerun-if-changed=ui");
    println!("cargo:rerun-if-changed=icons");
    tauri_build::build();
}
