#!/usr/bin/env bash
# Builds the desktop app's window (ui/, TypeScript + Vite) into ui/dist, which the app embeds when it is compiled:
# run it before `cargo build -p palabre`. npm packages come from the registry, pinned by ui/package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/../ui"

npm ci --no-audit --no-fund --loglevel=error
npm run --silent build
