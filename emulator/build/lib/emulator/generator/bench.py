"""Generation time and peak memory, for `make bench` (measure(accounts) -> dict).

Time is measured on a plain run into a null sink (records are built, then dropped), with the
truth written to a null file. Peak memory is the Python heap peak seen by tracemalloc on a
second run (tracemalloc slows allocation, so its run is not timed) and the process RSS
high-water mark. Both stay flat as ``accounts`` grows because generation streams in chunks.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
import tracemalloc
from datetime import UTC, datetime
from typing import Any

from emulator.generator.stream import DEFAULT_CHUNK, generate

BENCH_NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


def _drain(accounts: int, seed: int, chunk_size: int) -> int:
    records = 0
    with open(os.devnull, "w", encoding="utf-8") as truth:
        for _sobject, batch in generate(accounts, seed, BENCH_NOW, truth, chunk_size=chunk_size):
            records += len(batch)
    return records


def measure(accounts: int, seed: int = 1, chunk_size: int = DEFAULT_CHUNK, trace_memory: bool = True,
            memory_accounts: int | None = None) -> dict[str, Any]:
    """Generate ``accounts`` accounts into a null sink and report time and memory.

    Args:
        accounts: accounts to generate for the timing.
        seed: the org's seed.
        chunk_size: accounts per batch.
        trace_memory: also run under tracemalloc for the heap peak.
        memory_accounts: accounts for the tracemalloc run (default: the same number; the
            peak depends on the chunk, not on the org size, so fewer gives the same peak).

    Returns:
        {"accounts", "records", "seconds", "accounts_per_second", "records_per_second",
         "peak_heap_mb", "peak_rss_mb", "chunk_size", "estimate_100k_seconds"}
    """
    started = time.perf_counter()
    records = _drain(accounts, seed, chunk_size)
    seconds = time.perf_counter() - started
    result: dict[str, Any] = {
        "accounts": accounts, "records": records, "seconds": round(seconds, 2),
        "accounts_per_second": round(accounts / seconds, 1) if seconds else None,
        "records_per_second": round(records / seconds) if seconds else None,
        "chunk_size": chunk_size,
        "estimate_100k_seconds": round(seconds * 100_000 / accounts, 1) if accounts else None,
    }
    if trace_memory:
        tracemalloc.start()
        try:
            _drain(memory_accounts or accounts, seed, chunk_size)
            result["peak_heap_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        finally:
            tracemalloc.stop()
        result["memory_accounts"] = memory_accounts or accounts
    # ru_maxrss is in KiB on Linux: the process's high-water mark, imports included.
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def main() -> None:
    """python -m emulator.generator.bench --accounts 10000"""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK)
    parser.add_argument("--memory-accounts", type=int, default=None)
    parser.add_argument("--no-trace", action="store_true")
    args = parser.parse_args()
    print(json.dumps(measure(args.accounts, args.seed, args.chunk_size, not args.no_trace,
                             args.memory_accounts), indent=2))


if __name__ == "__main__":
    main()
