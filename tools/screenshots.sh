#!/bin/sh
# Screenshots of the window as a person sees it: the real application under Xvfb at
# 1366x768 with a window manager (openbox), each scene in a fresh HOME, photographed with
# ImageMagick's `import -window root`. Used for docs/screenshots/ and after changes to the
# window (look at every one).
#
#   tools/screenshots.sh [OUT_DIR] [SCENE...]   (default docs/screenshots, every scene)
#
# Scenes (tools/screenshot_scene.py): first-run grading moderation dashboard (the default),
# and referral kit-name.
# Needs: xvfb, openbox, imagemagick (Debian package names), and `make venv` done.
set -eu
cd "$(dirname "$0")/.."
OUT=${1:-docs/screenshots}
[ $# -gt 0 ] && shift
SCENES=${*:-first-run grading moderation dashboard}
PY=${PYTHON:-.venv/bin/python}
for tool in Xvfb openbox import convert; do
    command -v "$tool" >/dev/null || { echo "$tool is needed (apt install xvfb openbox imagemagick)" >&2; exit 1; }
done
mkdir -p "$OUT"
WORK=$(mktemp -d)
XVFB_PID=""
OPENBOX_PID=""
cleanup() {
    [ -n "$OPENBOX_PID" ] && kill "$OPENBOX_PID" 2>/dev/null || true
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# A display number nobody uses: Xvfb picks it and writes it to the pipe.
mkfifo "$WORK/display"
Xvfb -displayfd 3 -screen 0 1366x768x24 -nolisten tcp 3>"$WORK/display" >"$WORK/xvfb.log" 2>&1 &
XVFB_PID=$!
read -r NUMBER <"$WORK/display"
export DISPLAY=":$NUMBER" QT_QPA_PLATFORM=xcb
openbox >"$WORK/openbox.log" 2>&1 &
OPENBOX_PID=$!
sleep 1  # openbox takes the screen before the first window maps

export WORKBENCH_STORE_PASSPHRASE="screenshots only, not a secret"
for scene in $SCENES; do
    home="$WORK/home-$scene"
    mkdir -p "$home/Documents"
    store="$home/workbench.sqlite"
    if [ "$scene" = kit-name ]; then
        # The lead's demonstration store issues a kit to Samantha Jones; this store is Sam's.
        lead="$home/lead.sqlite"
        HOME="$home" "$PY" -m workbench --db "$lead" identity set --name "Alex Inspector" >/dev/null
        HOME="$home" "$PY" -m workbench --db "$lead" demo >/dev/null
        inspection=$(HOME="$home" "$PY" -m workbench --db "$lead" inspection list | awk 'NR==3{print $1}')
        HOME="$home" WORKBENCH_PASSPHRASE="demonstration only" "$PY" -m workbench --db "$lead" \
            kit export --inspection "$inspection" --inspector "Samantha Jones" --all-cases \
            --out "$OUT/kit-name.wbkit" | grep -Eo '[A-Z0-9]{4}(-[A-Z0-9]{4}){4}' >"$OUT/kit-name.code"
        HOME="$home" "$PY" -m workbench --db "$store" identity set --name "Sam" >/dev/null
    elif [ "$scene" != first-run ]; then
        HOME="$home" "$PY" -m workbench --db "$store" identity set --name "Alex Inspector" >/dev/null
        HOME="$home" "$PY" -m workbench --db "$store" demo >/dev/null
    fi
    HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share" \
        "$PY" tools/screenshot_scene.py "$scene" "$store" "$OUT/$scene.png"
    rm -f "$OUT/kit-name.wbkit" "$OUT/kit-name.code"
    # 256 colours, no dithering: a third of the size, and text stays crisp.
    convert "$OUT/$scene.png" -dither None -colors 256 "PNG8:$OUT/$scene.png"
done
