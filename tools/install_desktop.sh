#!/bin/sh
# Add the workbench to the desktop's application menu (freedesktop: GNOME, KDE, Xfce...),
# for this user: the .desktop file, the icon in every size, and the AppStream metainfo.
#   make install-desktop         (after make run / make venv, or with the wheel installed)
# The menu entry runs `workbench-window`, so that program must be on PATH (an activated venv,
# pipx, or PREFIX/bin of the wheel's install).
set -eu
here="$(cd "$(dirname "$0")/.." && pwd)"
id=uk.org.inspectorsworkbench.Workbench
data="${XDG_DATA_HOME:-$HOME/.local/share}"
for size in 16 24 32 48 64 128 256 512; do
    mkdir -p "$data/icons/hicolor/${size}x${size}/apps"
    cp "$here/resources/icons/workbench-$size.png" "$data/icons/hicolor/${size}x${size}/apps/$id.png"
done
mkdir -p "$data/icons/hicolor/scalable/apps" "$data/applications" "$data/metainfo"
cp "$here/resources/icons/workbench.svg" "$data/icons/hicolor/scalable/apps/$id.svg"
cp "$here/resources/desktop/$id.desktop" "$data/applications/$id.desktop"
cp "$here/resources/desktop/$id.metainfo.xml" "$data/metainfo/$id.metainfo.xml"
command -v update-desktop-database >/dev/null && update-desktop-database "$data/applications" || true
echo "Inspector's Workbench added to the applications menu ($data/applications/$id.desktop)."
