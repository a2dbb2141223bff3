"""Progress of long commands: a bar on stderr while a person watches, and how long it took.

The bar is drawn only when stderr is a terminal, so scripts that read a command's output see
exactly what they saw before. The domain reports progress as (step, done, total) through a
plain callback; this module turns each step into one of click's progress bars.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from types import TracebackType
from typing import IO, Any

import click


class Bars:
    """A callable `(step, done, total)` that draws one bar per step, one after the other.

    `labels` names each step for people; a total may change while a step runs (a peer's log
    grows while we pull), and the bar's length follows it.
    """

    def __init__(self, labels: Mapping[str, str], stream: IO[str] | None = None) -> None:
        self.labels = labels
        self.stream = stream if stream is not None else sys.stderr
        self.shown = _is_terminal(self.stream)
        self.started = time.monotonic()
        self.step = ""
        self.bar: Any = None

    def __call__(self, step: str, done: int, total: int) -> None:
        if not self.shown:
            return
        if step != self.step:
            self.close()
            self.step = step
            self.bar = click.progressbar(length=max(total, 1), file=self.stream, show_pos=True,
                                         label=self.labels.get(step, step))  # fmt: skip
        self.bar.length = max(total, done, 1)
        self.bar.update(max(0, done - self.bar.pos))

    def close(self) -> None:
        """Ends the current bar on its own line, so what is echoed next starts a new one."""
        if self.bar is not None:
            self.bar.render_finish()
            self.bar, self.step = None, ""

    def seconds(self) -> float:
        """How long the work has run so far."""
        return time.monotonic() - self.started

    def __enter__(self) -> Bars:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 trace: TracebackType | None) -> None:  # fmt: skip
        self.close()


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or stand-in stream (click's test runner)
        return False


def took(seconds: float) -> str:
    """A duration as people read it in a summary: '0.4 s', '41 s', '3 min 5 s'."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"
