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

import pytest

TOOLS = ("Xvfb", "openbox", "xdotool")


def need_tools() -> None:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        why = (
            f"needs {', '.join(missing)}, not installed here (Debian: apt install xvfb "
            "openbox xdotool); CI's .ci/run installs them and runs this (it fails there "
            "without them)"
        )
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)


def wait_for(check, timeout: float, what: str, process: subprocess.Popen, every: float = 0.05):  # type: ignore[no-untyped-def]
    """Until ``check`` returns something true, wait on the window ``process``: each wait
    returns at once if it ends (a crash fails here, saying so, rather than at the deadline);
    fail saying ``what`` did not happen. A store file written by another process sends no
    signal to wait on, so ``check`` is asked again after each bounded wait."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = check()
        if found:
            return found
        try:
            code = process.wait(timeout=every)
        except subprocess.TimeoutExpired:
            continue
        raise AssertionError(f"the window process ended (exit {code}) before {what}")
    raise AssertionError(f"{what} within {timeout} s")


def window_shown(env: dict[str, str], title: str, timeout: float = 60) -> None:
    """Block until a window titled ``title`` is mapped (``xdotool search --sync``)."""
    subprocess.run(
        ["xdotool", "search", "--sync", "--onlyvisible", "--name", title],
        env=env, check=True, timeout=timeout, stdout=subprocess.DEVNULL,
    )  # fmt: skip


@contextmanager
def x_display(width: int = 1366, height: int = 768) -> Iterator[dict[str, str]]:
    """Xvfb and openbox on a free display; yields the environment for a window process."""
    need_tools()
    reader, writer = os.pipe()
    server = subprocess.Popen(  # Xvfb picks a free display and writes it once it is ready
        ["Xvfb", "-displayfd", str(writer), "-screen", "0", f"{width}x{height}x24",
         "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(writer,),
    )  # fmt: skip
    os.close(writer)
    manager = None
    try:
        with os.fdopen(reader) as ready:
            number = ready.readline().strip()
        if not number:
            raise AssertionError("Xvfb did not start")
        env = {**os.environ, "DISPLAY": f":{number}", "QT_QPA_PLATFORM": "xcb"}
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
