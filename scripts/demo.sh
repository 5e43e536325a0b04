#!/usr/bin/env bash
# Starts a meeting on this machine's embedded room server and two headless participants in it, prints the
# guest link (join from another terminal with `palabre-cli join LINK --name "Prénom Nom (Service)"`), and after
# the call the two participants' reports. With a display, the desktop app also opens on the guest link: type
# your name, enter, and you are in the call with them (for 5 minutes, or DEMO_SECONDS).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${DISPLAY:-}" ]; then default_seconds=300; else default_seconds=20; fi
seconds="${DEMO_SECONDS:-$default_seconds}"
scripts/install-deps.sh
cargo build --release --locked -p palabre-server -p palabre-cli
bin=target/release
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true' EXIT

"$bin/palabre-server" --listen 0.0.0.0:0 --room Demo --data-dir "$work/server" >"$work/links" 2>"$work/server.log" &
for _ in $(seq 100); do [ "$(wc -l <"$work/links")" -ge 2 ] && break; sleep 0.1; done
guest="$(sed -n 's/^guest //p' "$work/links")"
[ -n "$guest" ] || { echo "the room server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
echo "Guest link (valid while this demo runs):"
echo "  $guest"
# The two demo participants are on this machine: they reach the server over loopback, with the same token and
# pinned fingerprint as the printed link.
here="$(echo "$guest" | sed -E 's#^palabre://[^/]*:([0-9]+)/#palabre://127.0.0.1:\1/#')"

if [ -n "${DISPLAY:-}" ]; then
  scripts/build-ui.sh
  cargo build --release --locked -p palabre --features custom-protocol
  "target/release/palabre" "$here" &
fi

echo "Two participants talk for $seconds s…"
"$bin/palabre-cli" join "$here" --name "Alice Martin (Mairie)" --duration "$seconds" \
  --do 3:chat=Bonjour --report "$work/alice.json" &
alice=$!
"$bin/palabre-cli" join "$here" --name "Bruno Petit (Préfecture)" --duration "$seconds" \
  --do 5:chat=Bonjour\ Alice --do 8:raise-hand --report "$work/bruno.json"
wait "$alice"
for who in alice bruno; do
  echo "--- $who's report"
  cat "$work/$who.json"
done
