#!/usr/bin/env bash
# Render a graph.html from `extractor graph` in headless Chromium (Debian package chromium) and save a PNG.
# Usage: scripts/screenshot_graph.sh out/graph/graph.html out/graph/graph.png
set -euo pipefail
html=$(realpath "$1"); png=$2
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$(mktemp -d)" --window-size=1400,900 \
  --screenshot="$png" "file://$html"
