"""Before Qt loads: is there a display, and are the libraries Qt's X11 plugin needs installed?

Without them Qt aborts the process (exit 134, "could not load the Qt platform plugin xcb")
with nothing a person can act on. This module never imports Qt; ``problem()`` returns the
words to print (which package to install, for the machine's distribution family) or None.
Only Linux and the BSDs are checked: Windows and macOS ship what Qt needs.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple


class Library(NamedTuple):
    soname: str
    debian: str  # the Debian / Ubuntu package
    fedora: str  # the Fedora / RHEL package


# What Qt 6's xcb platform plugin (PySide6/Qt/plugins/platforms/libqxcb.so) and QtGui load
# from the system rather than from the wheel (``ldd libqxcb.so``).
XCB_LIBRARIES = (
    Library("libxcb.so.1", "libxcb1", "libxcb"),
    Library("libX11.so.6", "libx11-6", "libX11"),
    Library("libX11-xcb.so.1", "libx11-xcb1", "libX11-xcb"),
    Library("libxcb-cursor.so.0", "libxcb-cursor0", "xcb-util-cursor"),
    Library("libxcb-icccm.so.4", "libxcb-icccm4", "xcb-util-wm"),
    Library("libxcb-image.so.0", "libxcb-image0", "xcb-util-image"),
    Library("libxcb-keysyms.so.1", "libxcb-keysyms1", "xcb-util-keysyms"),
    Library("libxcb-render-util.so.0", "libxcb-render-util0", "xcb-util-renderutil"),
    Library("libxcb-util.so.1", "libxcb-util1", "xcb-util"),
    Library("libxcb-randr.so.0", "libxcb-randr0", "libxcb"),
    Library("libxcb-shape.so.0", "libxcb-shape0", "libxcb"),
    Library("libxcb-shm.so.0", "libxcb-shm0", "libxcb"),
    Library("libxcb-sync.so.1", "libxcb-sync1", "libxcb"),
    Library("libxcb-xfixes.so.0", "libxcb-xfixes0", "libxcb"),
    Library("libxcb-xkb.so.1", "libxcb-xkb1", "libxcb"),
    Library("libxkbcommon.so.0", "libxkbcommon0", "libxkbcommon"),
    Library("libxkbcommon-x11.so.0", "libxkbcommon-x11-0", "libxkbcommon-x11"),
    Library("libEGL.so.1", "libegl1", "libglvnd-egl"),
    Library("libGL.so.1", "libgl1", "libglvnd-glx"),
    Library("libfontconfig.so.1", "libfontconfig1", "fontconfig"),
    Library("libdbus-1.so.3", "libdbus-1-3", "dbus-libs"),
)
# Platforms that need no display server: nothing to check.
HEADLESS_PLATFORMS = {"offscreen", "minimal", "vnc", "linuxfb", "eglfs", "vkkhrdisplay"}
NO_DISPLAY = (
    "no display is available, so the window cannot open (DISPLAY and WAYLAND_DISPLAY are "
    "not set). Start the workbench from a desktop session, or use its command line, which "
    "needs no display: workbench --help"
)


def problem(
    environ: Mapping[str, str] | None = None,
    libraries: Sequence[Library] = XCB_LIBRARIES,
    platform: str | None = None,
    os_release: str | None = None,
    loadable: Callable[[str], bool] | None = None,
) -> str | None:
    """Why the window cannot open on this machine, in words; None when it can."""
    env = os.environ if environ is None else environ
    if not (platform or sys.platform).startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return None
    chosen = env.get("QT_QPA_PLATFORM", "").split(":")[0].strip().lower()
    if chosen in HEADLESS_PLATFORMS:
        return None
    has_x11, has_wayland = bool(env.get("DISPLAY")), bool(env.get("WAYLAND_DISPLAY"))
    if chosen == "wayland" or (not chosen and has_wayland):
        return None if has_wayland else NO_DISPLAY
    if not has_x11:
        return NO_DISPLAY
    missing = [lib for lib in libraries if not (loadable or _loadable)(lib.soname)]
    if not missing:
        return None
    return missing_libraries_text(missing, distribution_family(os_release))


def missing_libraries_text(missing: Sequence[Library], family: str) -> str:
    names = ", ".join(lib.soname for lib in missing)
    debian = " ".join(dict.fromkeys(lib.debian for lib in missing))
    fedora = " ".join(dict.fromkeys(lib.fedora for lib in missing))
    advice = {
        "debian": [f"Install them with: sudo apt install {debian}"],
        "fedora": [f"Install them with: sudo dnf install {fedora}"],
    }.get(
        family,
        [
            f"On Debian or Ubuntu: sudo apt install {debian}",
            f"On Fedora or RHEL: sudo dnf install {fedora}",
        ],
    )
    return "\n".join(
        [
            "the window cannot open: the X11 libraries that Qt needs are not installed "
            f"on this machine: {names}.",
            *advice,
            "The command line works without them: workbench --help",
        ]
    )


def distribution_family(os_release: str | None = None) -> str:
    """ "debian", "fedora" or "" (unknown), from /etc/os-release's ID and ID_LIKE."""
    if os_release is None:
        try:
            os_release = Path("/etc/os-release").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
    words: set[str] = set()
    for line in os_release.splitlines():
        key, _, value = line.partition("=")
        if key.strip() in {"ID", "ID_LIKE"}:
            words.update(value.strip().strip("\"'").lower().split())
    if words & {"debian", "ubuntu"}:
        return "debian"
    if words & {"fedora", "rhel", "centos"}:
        return "fedora"
    return ""


def _loadable(soname: str) -> bool:
    """True when the dynamic linker finds ``soname`` (as Qt's plugin would)."""
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True
