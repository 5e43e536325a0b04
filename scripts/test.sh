#!/usr/bin/env bash
# Runs every test of Palabre: unit tests, in-process calls through the embedded server, and end-to-end tests
# with the real palabre-server and palabre-cli processes.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
# The browser guest (headless Chromium driven by playwright-core, with the official janus.js).
npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
# The desktop app's window: built first (the app embeds it), and its TypeScript unit tests.
scripts/build-ui.sh
npm test --prefix ui --silent
# The desktop app's end-to-end tests drive it through WebDriver: tauri-driver in front of WebKitWebDriver.
command -v tauri-driver >/dev/null || [ -x "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver" ] ||
  cargo install tauri-driver --locked --version 2.1.0
# The end-to-end tests run the workspace's binaries: build them first.
cargo build --workspace --bins --locked
# Calls are real-time: one test at a time, so that two calls never compete for the two cores.
cargo test --workspace --locked --no-fail-fast -- --test-threads=1
# A call over a thin uplink made of a network namespace and a rate limit: needs root, as CI has.
cargo test -p palabre-e2e --test thin_uplink --locked -- --ignored
# The installers: packaging/build-all installs its tools and writes the MSI and the .deb into dist/; then they are
# checked as IT uses them (tables, a silent install under Wine, dpkg -i here).
packaging/build-all
# The policy module as built for Windows, under Wine: its unit tests, and show-policy, which the MSI test runs after
# installing with policy properties to see what Palabre reads from the registry.
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER="$PWD/packaging/windows/wine/run"
cargo test -p palabre-policy --locked --target x86_64-pc-windows-gnu
cargo build -p palabre-policy --locked --target x86_64-pc-windows-gnu --example show-policy
# Screen capture as built for Windows (GDI), under Wine on a throwaway X server: a window of one colour is drawn
# and must be read back.
WINE_KEEP_DISPLAY=1 xvfb-run -a cargo test -p palabre-screen --locked --target x86_64-pc-windows-gnu
cargo test -p palabre-e2e --test packaging --locked -- --ignored --test-threads=1
