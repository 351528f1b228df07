"""The desktop integration files: the icon set made from its SVG, the freedesktop .desktop
entry and its AppStream metainfo, each agreeing with pyproject.toml."""

from __future__ import annotations

import configparser
import os
import struct
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "resources" / "icons"
DESKTOP = ROOT / "resources" / "desktop"
APP_ID = "uk.org.inspectorsworkbench.Workbench"
PNG = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG
    return struct.unpack(">II", data[16:24])


def test_every_png_size_is_there_at_its_size() -> None:
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        assert png_size((ICONS / f"workbench-{size}.png").read_bytes()) == (size, size)


def test_the_ico_holds_the_windows_sizes_as_png() -> None:
    data = (ICONS / "workbench.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = set()
    for n in range(count):
        side, _, _, _, _, _, length, offset = struct.unpack("<BBBBHHII", data[6 + 16 * n :][:16])
        size = png_size(data[offset : offset + length])[0]
        assert side == (0 if size >= 256 else size)  # 0 stands for 256 in the directory
        sizes.add(size)
    assert {16, 32, 48, 256} <= sizes


def test_the_icns_holds_the_macos_sizes_as_png() -> None:
    data = (ICONS / "workbench.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    position, found = 8, {}
    while position < len(data):
        kind, length = (
            data[position : position + 4],
            struct.unpack(">I", data[position + 4 :][:4])[0],
        )
        found[kind] = png_size(data[position + 8 : position + length])[0]
        position += length
    assert found == {
        b"icp4": 16,
        b"icp5": 32,
        b"icp6": 64,
        b"ic07": 128,
        b"ic08": 256,
        b"ic09": 512,
    }


def test_the_desktop_entry_runs_the_windowed_program_with_the_icon() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive
    entry.read(DESKTOP / f"{APP_ID}.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application" and desktop["Terminal"] == "false"
    assert desktop["Exec"] in project["gui-scripts"]
    assert project["gui-scripts"][desktop["Exec"]] == "ui.main:gui_main"
    assert desktop["Icon"] == APP_ID
    assert desktop["Name"] == "Inspector's Workbench"


def test_the_metainfo_names_the_entry_licence_and_this_version() -> None:
    component = ET.parse(DESKTOP / f"{APP_ID}.metainfo.xml").getroot()
    assert component.findtext("id") == APP_ID
    assert component.find("launchable").text == f"{APP_ID}.desktop"
    assert component.findtext("project_license") == "MIT"
    releases = [r.get("version") for r in component.iter("release")]
    assert releases[0] == version("inspectors-workbench")  # the newest release comes first
    binaries = {b.text for b in component.iter("binary")}
    assert binaries == {"workbench", "workbench-window"}


def test_installing_the_desktop_entry_puts_every_file_in_place(tmp_path: Path) -> None:
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path), PATH="/usr/bin:/bin")
    result = subprocess.run(
        ["sh", str(ROOT / "tools" / "install_desktop.sh")], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "applications" / f"{APP_ID}.desktop").is_file()
    assert (tmp_path / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    assert (tmp_path / "icons/hicolor/48x48/apps" / f"{APP_ID}.png").is_file()
    assert (tmp_path / "icons/hicolor/scalable/apps" / f"{APP_ID}.svg").is_file()
