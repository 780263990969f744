#!/usr/bin/env bash
# Draws the app icon (a golden key on a blue tile) with ImageMagick: assets/icon.png (256 px, the
# window icon) and assets/icon.ico (16–256 px, embedded in klyuchnik.exe by build.rs).
# Both files are committed; run this only to change the icon.
set -euo pipefail
cd "$(dirname "$0")/../.."
convert -size 256x256 xc:none \
  -fill '#1d5fcf' -draw 'roundrectangle 8,8 247,247 44,44' \
  -fill '#f2c230' -stroke '#b8860b' -strokewidth 5 \
  -draw 'polygon 120,112 226,112 226,144 214,144 214,178 188,178 188,144 176,144 176,166 150,166 150,144 120,144' \
  -draw 'circle 84,128 84,68' \
  -fill '#1d5fcf' -draw 'circle 70,128 70,108' \
  -depth 8 -strip PNG32:assets/icon.png
convert assets/icon.png -depth 8 -define icon:auto-resize=256,64,48,32,24,16 assets/icon.ico
ls -l assets/icon.png assets/icon.ico
