"""A progress bar on standard error for the long steps of a command.

Shown only where someone watches (standard error is a terminal) unless asked for; it never
writes to standard output, so ``sparkus demo --json > report.json`` stays clean.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

__all__ = ["Progress"]

_WIDTH = 24


class Progress:
    """Counts named steps and redraws one line: ``[#####.......] 3/8 matching  4.1 s``."""

    def __init__(self, total: int, *, stream: TextIO | None = None, enabled: bool | None = None):
        self.total = total
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.started = time.perf_counter()
        self.timings: dict[str, float] = {}

    def _draw(self, label: str, *, final: bool = False) -> None:
        if not self.enabled:
            return
        filled = round(_WIDTH * self.done / self.total) if self.total else _WIDTH
        bar = "#" * filled + "." * (_WIDTH - filled)
        elapsed = time.perf_counter() - self.started
        line = f"\r[{bar}] {self.done}/{self.total} {label:<28} {elapsed:6.1f} s"
        self.stream.write(line + ("\n" if final else ""))
        self.stream.flush()

    @contextmanager
    def step(self, label: str) -> Iterator[None]:
        """Time one step; the bar shows it while it runs and counts it when it ends."""
        self._draw(label)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[label] = time.perf_counter() - start
            self.done += 1
            self._draw(label if self.done < self.total else "done", final=self.done >= self.total)
