"""build.spec's choices on each platform, checked on any platform: the spec is run with
PyInstaller's build steps recorded instead of carried out, for Windows, macOS and Linux."""

from __future__ import annotations

import sys
import types
from importlib.metadata import version
from pathlib import Path

import pytest

from tools.build_choices import version_tuple, windows_version_resource

ROOT = Path(__file__).resolve().parents[1]


class Recorded:
    def __init__(self, kind: str, calls: list, *args, **kwargs) -> None:
        self.kind, self.args, self.kwargs = kind, args, kwargs
        calls.append(self)
        self.datas, self.binaries, self.scripts, self.pure = [], [], [], []


def run_spec(platform: str, workpath: Path, monkeypatch: pytest.MonkeyPatch) -> list[Recorded]:
    calls: list[Recorded] = []
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.copy_metadata = lambda name: [(f"{name}.dist-info", f"{name}.dist-info")]
    hooks.collect_submodules = lambda package: [package]
    bindepend = types.ModuleType("PyInstaller.depend.bindepend")
    bindepend.get_imports = lambda path: []
    for name in ("PyInstaller", "PyInstaller.utils", "PyInstaller.depend"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
    monkeypatch.setitem(sys.modules, "PyInstaller.depend.bindepend", bindepend)
    namespace = {
        "SPECPATH": str(ROOT),
        "workpath": str(workpath),
        **{
            kind: (lambda *a, kind=kind, **k: Recorded(kind, calls, *a, **k))
            for kind in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE")
        },
    }
    monkeypatch.setattr(sys, "platform", platform)
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    exec(compile(spec, "build.spec", "exec"), namespace)
    return calls


def of(calls: list[Recorded], kind: str) -> list[Recorded]:
    return [call for call in calls if call.kind == kind]


@pytest.mark.parametrize("platform", ["linux", "win32", "darwin"])
def test_a_console_and_a_windowed_program_share_one_folder(platform, tmp_path, monkeypatch):
    calls = run_spec(platform, tmp_path, monkeypatch)
    programs = {e.kwargs["name"]: e.kwargs["console"] for e in of(calls, "EXE")}
    assert programs == {"workbench": True, "workbench-window": False}
    [collect] = of(calls, "COLLECT")
    assert collect.kwargs["name"] == "workbench"
    assert [a for a in collect.args if isinstance(a, Recorded) and a.kind == "EXE"] == of(
        calls, "EXE"
    )
    [analysis] = of(calls, "Analysis")
    assert analysis.args[0] == [str(ROOT / "ui" / "main.py")]
    sources = {Path(source).relative_to(ROOT).as_posix() for source, _ in analysis.kwargs["datas"]
               if source.startswith(str(ROOT))}  # fmt: skip
    assert "resources/icons/workbench.svg" in sources
    assert "resources/desktop/uk.org.inspectorsworkbench.Workbench.desktop" in sources


def test_windows_gets_the_icon_and_a_version_resource(tmp_path, monkeypatch):
    calls = run_spec("win32", tmp_path, monkeypatch)
    for exe in of(calls, "EXE"):
        assert exe.kwargs["icon"].endswith("workbench.ico")
        resource = Path(exe.kwargs["version"]).read_text(encoding="utf-8")
        assert f"StringStruct('ProductVersion', '{version('inspectors-workbench')}')" in resource
        assert f"filevers={version_tuple(version('inspectors-workbench'))}" in resource
    assert not of(calls, "BUNDLE")


def test_macos_gets_an_app_bundle_with_the_icns_icon(tmp_path, monkeypatch):
    calls = run_spec("darwin", tmp_path, monkeypatch)
    [bundle] = of(calls, "BUNDLE")
    assert bundle.args == tuple(of(calls, "COLLECT"))
    assert bundle.kwargs["name"] == "Inspector's Workbench.app"
    assert bundle.kwargs["icon"].endswith("workbench.icns")
    assert bundle.kwargs["bundle_identifier"] == "uk.org.inspectorsworkbench.Workbench"
    plist = bundle.kwargs["info_plist"]
    assert plist["CFBundleShortVersionString"] == version("inspectors-workbench")
    assert plist["NSHighResolutionCapable"] is True
    assert all(exe.kwargs["version"] is None for exe in of(calls, "EXE"))


def test_linux_has_no_bundle_and_no_version_resource(tmp_path, monkeypatch):
    calls = run_spec("linux", tmp_path, monkeypatch)
    assert not of(calls, "BUNDLE")
    assert all(e.kwargs["version"] is None and e.kwargs["icon"] is None for e in of(calls, "EXE"))


@pytest.mark.parametrize(
    ("text", "numbers"),
    [("0.1.0", (0, 1, 0, 0)), ("1.2.3rc1", (1, 2, 3, 0)), ("2", (2, 0, 0, 0)),
     ("1.4.0+local.7", (1, 4, 0, 0))],
)  # fmt: skip
def test_windows_version_numbers(text: str, numbers: tuple) -> None:
    assert version_tuple(text) == numbers
    assert f"FileVersion', '{text}'" in windows_version_resource(text)


def test_trimming_drops_unused_plugins_and_only_the_libraries_they_needed() -> None:
    from tools.build_trim import trim, without_dangling_links

    needs = {
        "/src/QtWidgets.so": ["libQt6Widgets.so.6"],
        "/src/libQt6Widgets.so.6": ["libQt6Gui.so.6"],
        "/src/libQt6Gui.so.6": ["libpng16.so.16"],
        "/src/libqgtk3.so": ["libgtk-3.so.0", "libQt6Gui.so.6"],
        "/src/libgtk-3.so.0": ["libcairo.so.2", "libpng16.so.16"],
        "/src/libqxcb.so": ["libQt6XcbQpa.so.6"],
    }
    binaries = [
        ("PySide6/QtWidgets.abi3.so", "/src/QtWidgets.so", "EXTENSION"),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", "/src/libQt6Widgets.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "/src/libQt6Gui.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6XcbQpa.so.6", "/src/libQt6XcbQpa.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6Network.so.6", "/src/libQt6Network.so.6", "BINARY"),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/src/libqgtk3.so", "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/src/libqxcb.so", "BINARY"),
        ("libgtk-3.so.0", "/src/libgtk-3.so.0", "BINARY"),
        ("libcairo.so.2", "/src/libcairo.so.2", "BINARY"),
        ("libpng16.so.16", "/src/libpng16.so.16", "BINARY"),
        ("libpython3.11.so.1.0", "/src/libpython3.11.so.1.0", "BINARY"),
        ("libQt6Network.so.6", "PySide6/Qt/lib/libQt6Network.so.6", "SYMLINK"),
        ("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),
    ]
    kept = trim(binaries, lambda path: [(name, None) for name in needs.get(path, [])])
    kept = without_dangling_links(kept, kept)
    assert {entry[0] for entry in kept} == {
        "PySide6/QtWidgets.abi3.so",
        "PySide6/Qt/lib/libQt6Widgets.so.6",
        "PySide6/Qt/lib/libQt6Gui.so.6",
        "PySide6/Qt/lib/libQt6XcbQpa.so.6",
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "libpng16.so.16",  # GTK needed it too, but so does Qt: kept
        "libpython3.11.so.1.0",  # loaded by the bootloader
        "libQt6Gui.so.6",  # the link to a library that is kept
    }
