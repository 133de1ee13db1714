"""Run every matching benchmark (`benchmarks/bench_*.py`) and report which goals passed.

    python benchmarks/run.py            # full sizes (several minutes; anchors are slow by design)
    python benchmarks/run.py --quick    # small sizes, a smoke test
    python benchmarks/run.py stable     # only bench_stable.py

Each file runs in its own process so one benchmark's memory cannot distort another's.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    flags = [a for a in argv if a.startswith("--")]
    names = [a for a in argv if not a.startswith("--")]
    files = sorted(HERE.glob("bench_*.py"))
    if names:
        files = [f for f in files if any(n in f.stem for n in names)]
    failed: list[str] = []
    for bench in files:
        print(f"\n=== {bench.stem} {' '.join(flags)} ===", flush=True)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, str(bench), *flags])  # our own files
        print(f"({bench.stem}: {time.perf_counter() - start:.1f} s, exit {code})", flush=True)
        if code != 0:
            failed.append(bench.stem)
    print("\nAll goals met." if not failed else f"\nGoals missed in: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
