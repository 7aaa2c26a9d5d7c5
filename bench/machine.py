"""The machine a benchmark ran on: cores, CPU model, memory, Python, OS."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any

import psutil


def cpu_model(cpuinfo: Path = Path("/proc/cpuinfo")) -> str:
    """The first ``model name`` of /proc/cpuinfo (platform.processor() elsewhere)."""
    try:
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def describe() -> dict[str, Any]:
    """JSON-able facts about this machine (``nproc`` is the CPUs this process may use)."""
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "nproc": nproc,
        "cpu_model": cpu_model(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "arch": platform.machine(),
    }


def one_line(machine: dict[str, Any]) -> str:
    """``2 x Intel(R) Xeon(R) Processor, 23.4 GB RAM, Python 3.11.9, Linux ...``."""
    return (f"{machine['nproc']} x {machine['cpu_model']}, {machine['memory_gb']} GB RAM, "
            f"Python {machine['python']}, {machine['os']}")
