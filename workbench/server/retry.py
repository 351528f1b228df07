"""Retrying a whole unit of work that met a concurrent change (safe: it was rolled back)."""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from workbench.server.errors import ConcurrentChange

P = ParamSpec("P")
R = TypeVar("R")
ATTEMPTS = 6


def retried(work: Callable[P, R]) -> Callable[P, R]:
    """``work`` run again (up to ``ATTEMPTS`` times, after a short random pause) when the
    server reports a serialization failure, a deadlock or a concurrent first insert; the
    last refusal is raised in words. Only for work that is one transaction, all or nothing."""

    @functools.wraps(work)
    def again(*args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(ATTEMPTS):
            try:
                return work(*args, **kwargs)
            except ConcurrentChange:
                if attempt == ATTEMPTS - 1:
                    raise
                time.sleep(random.uniform(0.005, 0.02) * (attempt + 1))
        raise AssertionError("unreachable")

    return again
