"""A real `radar worker` in burst mode that reports what it and its work horses used.

``python -m bench.worker_probe --usage-out FILE`` runs ``radar worker --burst``
(workers/cli.py: every queue, forking one work horse per job) in this process and,
once the queues are empty, writes JSON with the CPU seconds and peak RSS of the worker
process (VmHWM) and of its work horses. ``getrusage(RUSAGE_CHILDREN)`` covers every work horse the
worker waited for: CPU is their sum, ``ru_maxrss`` the largest single one (Linux, KiB).
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path
from typing import Any


def _usage(who: int) -> dict[str, float]:
    usage = resource.getrusage(who)
    return {"cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
            "user_s": round(usage.ru_utime, 3), "sys_s": round(usage.ru_stime, 3),
            "max_rss_mb": round(usage.ru_maxrss / 1024, 1)}


def _own_peak_mb(status: Path = Path("/proc/self/status")) -> float | None:
    """This process's own RSS high-water mark (VmHWM).

    Not ``ru_maxrss``: Linux carries the pre-exec high-water mark of the forked copy of
    the parent across execve, so a worker started by a 300 MB benchmark process would
    report 300 MB however little it used itself.
    """
    try:
        for line in status.read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError):
        pass
    return None


def main(argv: list[str] | None = None) -> None:
    """Run a burst worker over every queue, then write the resource usage JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--usage-out", required=True, type=Path)
    args = parser.parse_args(argv)
    from workers.cli import worker  # noqa: PLC0415 - keep --help fast

    started = time.perf_counter()
    # The product's own command, so the benchmark runs exactly what `radar worker` runs.
    worker.main(["--burst"], standalone_mode=False)
    report: dict[str, Any] = {"wall_s": round(time.perf_counter() - started, 3),
                              "worker": {**_usage(resource.RUSAGE_SELF),
                                         "own_peak_rss_mb": _own_peak_mb()},
                              "work_horses": _usage(resource.RUSAGE_CHILDREN)}
    args.usage_out.write_text(json.dumps(report), encoding="utf-8")


if __name__ == "__main__":
    main()
