"""What every benchmark script needs: a timestamped log, CPU clocks and the section writer.

Each script owns one ``## …`` section of ``bench/RESULTS.md`` and rewrites only that.
"""
from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

RESULTS_HEAD = ("# Benchmarks\n\nOne section per area, each written by its own benchmark and owned by its "
                "issue. A script rewrites only its own section.\n\n")


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def cpu_s(who=resource.RUSAGE_SELF) -> float:
    """CPU seconds (user + system, all threads) of this process, or of its waited-for children."""
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def busy_s() -> float:
    """CPU seconds the whole machine has been busy since boot (all processes, all cores)."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            v = [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return float("nan")
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    return (sum(v[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_section(path: Path, section: str) -> None:
    """Replace (or append) the section whose title is ``section``'s first line, keeping every
    other section; the file is read right before it is written (other benchmarks write theirs)."""
    title = section.splitlines()[0].rstrip()
    text = path.read_text(encoding="utf-8") if path.exists() else RESULTS_HEAD
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == title), None)
    if start is None:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        text = "".join(lines[:start]) + section.rstrip("\n") + "\n" + ("\n" if end < len(lines) else "") \
            + "".join(lines[end:])
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
