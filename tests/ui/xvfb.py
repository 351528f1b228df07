"""A real X display for end-to-end window tests: Xvfb at 1366x768 with openbox managing it.

``x_display()`` starts both on a free display number and yields the environment a window
process needs (``DISPLAY``, the xcb platform). Without Xvfb, openbox or xdotool a test is
skipped, saying so, except in CI (which installs them; ``.ci/run``), where it fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

TOOLS = ("Xvfb", "openbox", "xdotool")


def need_tools() -> None:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        why = f"needs {', '.join(missing)} (Debian: apt install xvfb openbox xdotool)"
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)


def _free_display() -> int:
    for number in range(91, 200):
        if (
            not Path(f"/tmp/.X{number}-lock").exists()
            and not Path(f"/tmp/.X11-unix/X{number}").exists()
        ):
            return number
    raise AssertionError("no free X display number between :91 and :199")


def wait_for(check, timeout: float, what: str, every: float = 0.05):  # type: ignore[no-untyped-def]
    """Poll ``check`` until it returns something true (a subprocess cannot be waited on
    through Qt's signals); fail saying ``what`` did not happen."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = check()
        if found:
            return found
        time.sleep(every)
    raise AssertionError(f"{what} within {timeout} s")


@contextmanager
def x_display(width: int = 1366, height: int = 768) -> Iterator[dict[str, str]]:
    """Xvfb and openbox on a free display; yields the environment for a window process."""
    need_tools()
    number = _free_display()
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    env = {**os.environ, "DISPLAY": f":{number}", "QT_QPA_PLATFORM": "xcb"}
    manager = None
    try:
        wait_for(lambda: Path(f"/tmp/.X11-unix/X{number}").exists(), 20, "Xvfb started")
        manager = subprocess.Popen(
            ["openbox"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        yield env
    finally:
        for process in (manager, server):
            if process is not None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def xdotool(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        ["xdotool", *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    return done.stdout
