#!/bin/sh
# The wheel as a user installs it: built from this checkout, installed into a new virtual
# environment outside it, with a new HOME, then `workbench --self-test` and
# `workbench --version` run from another folder (so nothing is read from the checkout).
#   sh tools/wheel_selftest.sh        (.ci/run runs it)
set -eu
here="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$here/.venv/bin/python" -m pip wheel --quiet --no-deps --wheel-dir "$work/wheel" "$here"
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet "$work"/wheel/*.whl
mkdir "$work/home"
cd "$work"
HOME="$work/home" XDG_DATA_HOME= XDG_STATE_HOME= WORKBENCH_DB= WORKBENCH_LOG_DIR= \
    QT_QPA_PLATFORM=offscreen "$work/venv/bin/workbench" --self-test
HOME="$work/home" "$work/venv/bin/workbench" --version
test -x "$work/venv/bin/workbench-window"
echo "the wheel installed in a fresh environment passes its self-test"
