"""The benchmark harness never hangs on a child process that dies or runs too long."""

from __future__ import annotations

import math
import os
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))

from _harness import ChildFailed, in_fresh_process, run_in_fresh_process


def test_fresh_process_returns_result_time_and_peak() -> None:
    # when
    value, secs, peak, cpu = run_in_fresh_process(math.factorial, 20, timeout=60)
    # then
    assert value == math.factorial(20)
    assert secs >= 0
    assert cpu >= 0
    assert peak > 1


def test_fresh_process_child_that_dies_raises_with_exit_code() -> None:
    # when / then: os._exit kills the child before it can report
    with pytest.raises(ChildFailed, match="code 3"):
        in_fresh_process(os._exit, 3, timeout=60)


def test_fresh_process_child_that_hangs_is_terminated() -> None:
    # when
    start = time.perf_counter()
    with pytest.raises(ChildFailed, match="within 1 s"):
        in_fresh_process(time.sleep, 120, timeout=1.0)
    # then
    assert time.perf_counter() - start < 60
