"""What build.spec builds on each platform, as plain data that a test can check anywhere.

PyInstaller runs build.spec on the platform it builds for, so the Windows and macOS branches
would otherwise only ever run on those machines. ``choices(platform, version)`` decides them
all (program names, console or windowed, icon, Windows version resource, macOS bundle) and
the spec only carries them out; tests/test_build_spec.py checks each platform's choices on
Linux.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP_ID = "uk.org.inspectorsworkbench.Workbench"
DISPLAY_NAME = "Inspector's Workbench"
CONSOLE_NAME = "workbench"  # the command line (and the window when run without a command)
WINDOW_NAME = "workbench-window"  # the windowed program: no console window on Windows
COPYRIGHT = "Copyright the Inspector's Workbench authors; MIT licence"


@dataclass(frozen=True)
class Program:
    name: str
    console: bool


@dataclass(frozen=True)
class Choices:
    platform: str
    programs: tuple[Program, ...]
    icon: Path | None
    version_resource: str | None = None  # Windows: the VSVersionInfo text for PyInstaller
    bundle: dict | None = None  # macOS: BUNDLE(...) arguments
    strip: bool = False
    extra_excludes: tuple[str, ...] = field(default=())


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """ "1.2.3rc1" -> (1, 2, 3, 0): Windows wants four whole numbers."""
    numbers = [int(n) for n in re.findall(r"\d+", version.split("+")[0])[:3]]
    return tuple((numbers + [0, 0, 0, 0])[:4])  # type: ignore[return-value]


def windows_version_resource(version: str) -> str:
    """The version resource Windows shows in the file's Properties > Details."""
    numbers = version_tuple(version)
    strings = {
        "CompanyName": "Inspector's Workbench",
        "FileDescription": DISPLAY_NAME,
        "FileVersion": version,
        "InternalName": CONSOLE_NAME,
        "LegalCopyright": COPYRIGHT,
        "OriginalFilename": f"{CONSOLE_NAME}.exe",
        "ProductName": DISPLAY_NAME,
        "ProductVersion": version,
    }
    string_structs = ",\n          ".join(
        f"StringStruct({key!r}, {value!r})" for key, value in strings.items()
    )
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={numbers}, prodvers={numbers}, mask=0x3f, flags=0x0,
                    OS=0x40004, fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('080904B0', [
          {string_structs}])]),
    VarFileInfo([VarStruct('Translation', [2057, 1200])])
  ]
)
"""


def choices(platform: str, version: str) -> Choices:
    """The build for ``platform`` (``sys.platform``) of ``version``."""
    icons = ROOT / "resources" / "icons"
    programs = (Program(CONSOLE_NAME, console=True), Program(WINDOW_NAME, console=False))
    if platform == "win32":
        return Choices(
            platform,
            programs,
            icons / "workbench.ico",
            version_resource=windows_version_resource(version),
        )
    if platform == "darwin":
        return Choices(
            platform,
            programs,
            icons / "workbench.icns",
            bundle={
                "name": f"{DISPLAY_NAME}.app",
                "icon": str(icons / "workbench.icns"),
                "bundle_identifier": APP_ID,
                "info_plist": {
                    "CFBundleName": DISPLAY_NAME,
                    "CFBundleDisplayName": DISPLAY_NAME,
                    "CFBundleShortVersionString": version,
                    "CFBundleVersion": version,
                    "NSHighResolutionCapable": True,
                    "LSApplicationCategoryType": "public.app-category.productivity",
                    "NSHumanReadableCopyright": COPYRIGHT,
                },
            },
        )
    # Linux and the rest: the icon is the desktop file's (resources/desktop), not the binary's.
    return Choices(platform, programs, None)
