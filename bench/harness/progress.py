"""A progress bar with an ETA on stderr: tqdm when installed, else a small one of our own.

The ETA comes from the caller (each cell's mean call time so far times the calls it has left),
which tracks runs of very unequal length better than a calls-per-second rate. On a terminal the
bar redraws in place; otherwise (a log file, CI) one line is printed per call.
"""

from __future__ import annotations

import sys
import time

try:
    from tqdm import tqdm
except ImportError:  # the fallback below
    tqdm = None

BAR_WIDTH = 28


def format_duration(seconds: float) -> str:
    """``seconds`` as H:MM:SS or M:SS."""
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """Counts calls out of ``total`` and shows the current cell, elapsed time and ETA."""

    def __init__(self, total: int, enabled: bool = True, stream=sys.stderr) -> None:
        self.total = total
        self.done = 0
        self.enabled = enabled and total > 0
        self.stream = stream
        self.start = time.monotonic()
        self.label = ""
        self.tty = stream.isatty()
        self.bar = None
        if self.enabled and tqdm is not None:
            self.bar = tqdm(
                total=total,
                file=stream,
                unit="call",
                dynamic_ncols=True,
                bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}{postfix}]",
            )

    def describe(self, label: str) -> None:
        """Names the call about to start."""
        self.label = label
        if self.bar is not None:
            self.bar.set_description_str(label[:40])
        elif self.enabled and self.tty:
            self._draw(None)

    def advance(self, calls: int, eta_s: float) -> None:
        """Records ``calls`` finished (or skipped) calls; ``eta_s`` is the estimated time left."""
        self.done = min(self.total, self.done + calls)
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.set_postfix_str(f"ETA {format_duration(eta_s)}", refresh=False)
            self.bar.update(calls)
        else:
            self._draw(eta_s)

    def note(self, message: str) -> None:
        """Prints a message (a failure) without breaking the bar."""
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.write(message, file=self.stream)
        else:
            if self.tty:
                self.stream.write("\r\033[K")
            self.stream.write(message + "\n")
            self.stream.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.enabled and self.tty:
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self, eta_s: float | None) -> None:
        fraction = self.done / self.total
        filled = int(fraction * BAR_WIDTH)
        elapsed = format_duration(time.monotonic() - self.start)
        eta = "?" if eta_s is None else format_duration(eta_s)
        line = (
            f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {self.done}/{self.total} "
            f"{fraction:4.0%}  {elapsed} elapsed, ETA {eta}  {self.label}"
        )
        if self.tty:
            self.stream.write("\r\033[K" + line)
        elif eta_s is not None:
            self.stream.write(line + "\n")
        self.stream.flush()
