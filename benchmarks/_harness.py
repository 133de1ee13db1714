"""Shared helpers for the benchmarks: timing, peak memory and a results table.

Every benchmark runs Tandem and its anchor on the same seeded instance in the same
process run, checks the answers agree, and reports the ratio. Peak memory is measured
in a fresh child process (``ru_maxrss``) so one measurement cannot inflate another.
"""

from __future__ import annotations

import multiprocessing as mp
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Row:
    goal: str
    instance: str
    tandem_s: float
    anchor: str
    anchor_s: float | None
    target: str
    passed: bool
    note: str = ""

    @property
    def ratio(self) -> str:
        if self.anchor_s is None or self.tandem_s <= 0:
            return "-"
        return f"{self.anchor_s / self.tandem_s:,.1f}x"


def timed(fn: Callable[..., Any], *args: Any, repeat: int = 1, **kwargs: Any) -> tuple[Any, float]:
    """Run ``fn`` ``repeat`` times; return the last result and the best wall time in seconds."""
    best = float("inf")
    result: Any = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        best = min(best, time.perf_counter() - start)
    return result, best


def _child(fn: Callable[..., Any], args: tuple[Any, ...], queue: Any) -> None:
    start = time.perf_counter()
    fn(*args)
    elapsed = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((elapsed, peak_kib / 1024.0))


def in_fresh_process(fn: Callable[..., Any], *args: Any) -> tuple[float, float]:
    """Run ``fn(*args)`` in a forked child; return (seconds, peak RSS in MiB of that child).

    ``fn`` must be a module-level function; its arguments should be cheap to build (pass a
    seed, not a big array) so the peak reflects the work, not the parent's copy.
    """
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(fn, args, queue))
    proc.start()
    elapsed, peak_mib = queue.get()
    proc.join()
    return float(elapsed), float(peak_mib)


def print_table(rows: list[Row]) -> None:
    headers = ["goal", "instance", "tandem s", "anchor", "anchor s", "ratio", "target", "ok", "note"]
    data = [
        [
            r.goal,
            r.instance,
            f"{r.tandem_s:.3f}",
            r.anchor,
            "-" if r.anchor_s is None else f"{r.anchor_s:.3f}",
            r.ratio,
            r.target,
            "PASS" if r.passed else "FAIL",
            r.note,
        ]
        for r in rows
    ]
    widths = [max(len(h), *(len(d[i]) for d in data)) if data else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line)
    print("-" * len(line))
    for d in data:
        print("  ".join(c.ljust(w) for c, w in zip(d, widths, strict=True)))
