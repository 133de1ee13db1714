"""Shared helpers for the benchmarks: timing, peak memory and a results table.

Every benchmark runs Tandem and its anchor on the same seeded instance in the same
process run, checks the answers agree, and reports the ratio. Peak memory is measured
in a fresh child process (its own high-water mark) so one measurement cannot inflate
another.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue as queue_mod
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
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


def peak_rss_mib() -> float:
    """This process's peak resident memory since it started its program, in MiB.

    Linux's ``VmHWM``: ``ru_maxrss`` would also carry the parent's resident size from
    the fork that preceded the child's exec, which made a big parent inflate a small
    child's peak.
    """
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:  # pragma: no cover - not Linux
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _child(fn: Callable[..., Any], args: tuple[Any, ...], queue: Any) -> None:
    start = time.perf_counter()
    cpu = time.process_time()
    value = fn(*args)
    elapsed = time.perf_counter() - start
    cpu_s = time.process_time() - cpu
    queue.put((elapsed, peak_rss_mib(), cpu_s, value))


class ChildFailed(RuntimeError):
    """The benchmark child process died or timed out before reporting a result."""


def run_in_fresh_process(
    fn: Callable[..., Any], *args: Any, timeout: float = 1800.0
) -> tuple[Any, float, float, float]:
    """Run ``fn(*args)`` in a spawned child; return (result, seconds, peak MiB, CPU seconds).

    ``fn`` must be a module-level function and its result small and picklable. The parent
    never blocks on a dead child: it polls the result queue, and raises
    :class:`ChildFailed` naming the exit code if the child exits without a result (killed
    by the OOM killer, a crash, an exception), or after terminating it when ``timeout``
    seconds pass.
    """
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(fn, args, queue), daemon=True)
    start = time.perf_counter()
    proc.start()
    name = getattr(fn, "__name__", repr(fn))
    try:
        while True:
            try:
                elapsed, peak_mib, cpu_s, value = queue.get(timeout=0.5)
                break
            except queue_mod.Empty:
                if not proc.is_alive():
                    try:  # it may have reported just before exiting
                        elapsed, peak_mib, cpu_s, value = queue.get(timeout=1.0)
                        break
                    except queue_mod.Empty:
                        raise ChildFailed(
                            f"{name}{args!r}: child exited with code {proc.exitcode} without a result"
                        ) from None
                if time.perf_counter() - start > timeout:
                    raise ChildFailed(
                        f"{name}{args!r}: no result within {timeout:.0f} s (terminated)"
                    ) from None
    finally:
        if proc.is_alive():
            proc.terminate()
            proc.join(5.0)
            if proc.is_alive():
                proc.kill()
        proc.join(5.0)
    return value, float(elapsed), float(peak_mib), float(cpu_s)


def in_fresh_process(fn: Callable[..., Any], *args: Any, timeout: float = 1800.0) -> tuple[float, float]:
    """Run ``fn(*args)`` in a spawned child; return (seconds, peak RSS in MiB of that child).

    ``fn`` must be a module-level function; its arguments should be cheap to build (pass a
    seed, not a big array) so the peak reflects the work, not the parent's copy. Raises
    :class:`ChildFailed` if the child dies or exceeds ``timeout`` seconds.
    """
    _, elapsed, peak_mib, _ = run_in_fresh_process(fn, *args, timeout=timeout)
    return elapsed, peak_mib


def load_note() -> str:
    """The 1-minute load average over the core count, to judge how noisy a timing is."""
    try:
        load = os.getloadavg()[0]
    except OSError:  # pragma: no cover - not on Linux
        return "load ?"
    return f"load {load:.1f}/{os.cpu_count() or 1} cores"


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
