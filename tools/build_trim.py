"""What build.spec leaves out of the frozen application: parts of Qt the workbench never
uses, and the system libraries that only they needed.

PyInstaller's Qt hook collects every platform plugin, platform theme and image format, and
with them whatever system libraries each links: the GTK 3 platform theme alone brings GTK,
GDK, ATK, Cairo, Pango and their kin (about 20 MB). The workbench draws with Qt's own style,
reads PNG, SVG and ICO images only, and runs on X11, Wayland or offscreen. Pillow is left
is needed (reportlab imports it), but not its AVIF, WebP and Tk modules, which bring the
largest of its bundled libraries: the reports embed no raster images (charts are vectors).

``trim(binaries)`` drops the unused Qt plugins, then every top-level shared library that no
remaining binary needs (found by reading each binary's dynamic section, transitively), so a
library another part of the workbench does use is always kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fnmatch import fnmatch
from pathlib import PurePosixPath

UNUSED_QT_PLUGINS = (
    "PySide6/Qt/plugins/platformthemes/libqgtk3.so",  # GTK 3 look: Qt's own style is used
    "PySide6/Qt/plugins/platforms/libqeglfs.so",  # embedded and kiosk platforms
    "PySide6/Qt/plugins/platforms/libqlinuxfb.so",
    "PySide6/Qt/plugins/platforms/libqvnc.so",
    "PySide6/Qt/plugins/platforms/libqminimalegl.so",
    "PySide6/Qt/plugins/platforms/libqvkkhrdisplay.so",
    "PySide6/Qt/plugins/egldeviceintegrations/*",
    "PySide6/Qt/plugins/generic/*",  # evdev and TUIO input, for kiosks without X11
    "PySide6/Qt/plugins/imageformats/libqtiff.so",
    "PySide6/Qt/plugins/imageformats/libqwebp.so",
    "PySide6/Qt/plugins/imageformats/libqjpeg.so",
    "PySide6/Qt/plugins/imageformats/libqgif.so",
)
UNUSED_PACKAGES = ("PIL._avif", "PIL._webp", "PIL._imagingtk")  # excluded from the analysis
ALWAYS_KEEP = ("libpython*",)  # loaded by the bootloader, not linked by any binary

Entry = tuple  # PyInstaller's (destination, source, typecode)


def unused_plugin(destination: str) -> bool:
    return any(fnmatch(destination, pattern) for pattern in UNUSED_QT_PLUGINS)


def trim(
    binaries: Iterable[Entry], imports: Callable[[str], Iterable[tuple[str, str | None]]]
) -> list[Entry]:
    """``binaries`` less the unused plugins and the top-level libraries only they needed.

    ``imports(path)`` lists a binary's needed libraries as (name, resolved path) pairs
    (``PyInstaller.depend.bindepend.get_imports``).
    """
    kept = [entry for entry in binaries if not unused_plugin(entry[0])]
    top_level = {PurePosixPath(e[0]).name: e for e in kept if _top_level_library(e)}
    libraries = {entry[0] for entry in top_level.values()}
    roots = [entry for entry in kept if entry[0] not in libraries or _always(entry[0])]
    needed: set[str] = set()
    queue = [entry[1] for entry in roots]
    seen: set[str] = set()
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        for name, _resolved in imports(path):
            if name in top_level and name not in needed:
                needed.add(name)
                queue.append(top_level[name][1])
    return [
        entry
        for entry in kept
        if entry[0] not in libraries or PurePosixPath(entry[0]).name in needed or _always(entry[0])
    ]


def without_dangling_links(entries: Iterable[Entry], binaries: Iterable[Entry]) -> list[Entry]:
    """``entries`` less the links (PyInstaller's SYMLINK entries) to a binary no longer there."""
    present = {entry[0] for entry in binaries if entry[2] != "SYMLINK"}
    return [e for e in entries if e[2] != "SYMLINK" or _link_target(e) in present]


def _link_target(entry: Entry) -> str:
    """A SYMLINK entry's (destination, target relative to it) as the target's destination."""
    return (PurePosixPath(entry[0]).parent / entry[1]).as_posix().removeprefix("./")


def _top_level_library(entry: Entry) -> bool:
    """A shared library in the top folder, one a wheel vendors (``pillow.libs/``) or Qt's."""
    destination, typecode = PurePosixPath(entry[0]), entry[2]
    folder = destination.parent.as_posix()
    vendored = folder.endswith(".libs") and "/" not in folder
    library_folder = folder in (".", "PySide6/Qt/lib") or vendored
    return typecode == "BINARY" and library_folder and ".so" in destination.name


def _always(destination: str) -> bool:
    return any(fnmatch(PurePosixPath(destination).name, pattern) for pattern in ALWAYS_KEEP)
