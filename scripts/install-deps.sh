#!/usr/bin/env bash
# Installs the Debian packages Palabre builds and tests with (Debian 12). Safe to run again: it only installs
# what is missing.
set -euo pipefail

packages=(
  build-essential pkg-config cmake   # C parts: libopus is built from its bundled source with cmake
  libvpx-dev                          # VP8 (palabre-media)
  nasm                                # H.264: OpenH264's SIMD assembly (the openh264 crate builds it; without nasm, plain C)
  libpipewire-0.3-dev                 # screen sharing on Wayland: the portal's PipeWire stream (palabre-screen)
  libclang-dev clang                  # bindgen at build time: nokhwa's V4L2 bindings (cameras) and libyuv's (yuv-sys)
  libssl-dev
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev  # the Tauri shell
  janus                               # Janus gateway, for the Janus VideoRoom tests (tests start their own)
  chromium                            # the browser guest in the Janus tests (tests/browser)
  xvfb webkit2gtk-driver dbus gnome-keyring  # the desktop app's tests: a screen, WebDriver, a session bus, a keyring
  gstreamer1.0-plugins-bad gstreamer1.0-libav  # the app's window decodes H.264 through GStreamer (the .deb recommends them)
  libasound2-dev                      # cpal's ALSA backend (palabre-devices) links libasound
  pulseaudio pulseaudio-utils         # audio-device tests: a PulseAudio daemon per test, null sinks, paplay/parec
  espeak-ng                           # speech for the audio tests (played into a microphone, found in recordings)
  imagemagick                         # screen-sharing tests: `display -window root` draws the picture that is shared
  iproute2                            # the thin-uplink test: a network namespace, a veth pair and a `tbf` rate limit
)
# The browser guest's driver runs on Node.js (18 or newer); Debian's is used where none is installed.
command -v node >/dev/null || packages+=(nodejs npm)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "Installing: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
