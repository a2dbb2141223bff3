"""Runs every benchmark in bench/ and writes their tables into docs/performance.md.

A benchmark is a bench/*.py script that prints a Markdown section (a table and notes) and may
name itself with `TITLE = "..."`. The floor (bench/floor.py) runs first, so every figure can be
read against what the machine can do at all in the same run. Each benchmark runs in its own
process: one that fails or hangs is reported in the document and the others still run.
Figures go between the two markers in docs/performance.md; the text around them is kept.

    .venv/bin/python bench/run_all.py            # or: make bench
    .venv/bin/python bench/run_all.py desk load  # only some benchmarks
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import ROOT, machine  # noqa: E402

DOC = ROOT / "docs" / "performance.md"
BEGIN = "<!-- figures: written by bench/run_all.py -->"
END = "<!-- end of figures -->"
NOT_BENCHMARKS = {"common", "run_all"}
FIRST = "floor"
LIMIT_S = 3600  # one benchmark taking longer than this is reported as failed
_TITLE = re.compile(r'^TITLE = "(.+)"$', re.MULTILINE)


def benchmarks(only: list[str]) -> list[str]:
    """The floor first, then every other benchmark by name."""
    names = sorted(p.stem for p in HERE.glob("*.py") if p.stem not in NOT_BENCHMARKS)
    names.sort(key=lambda n: n != FIRST)
    return [n for n in names if not only or n in only]


def title(name: str) -> str:
    found = _TITLE.search((HERE / f"{name}.py").read_text(encoding="utf-8"))
    return found.group(1) if found else name


def fenced(text: str) -> str:
    return "```\n" + text.strip() + "\n```"


def run_one(name: str) -> str:
    """One benchmark's section: its command, then its output, or why it failed."""
    command = [".venv/bin/python", f"bench/{name}.py"]
    started, load = time.perf_counter(), os.getloadavg()[0]
    try:
        done = subprocess.run([sys.executable, str(HERE / f"{name}.py")], cwd=ROOT, text=True,
                              capture_output=True, timeout=LIMIT_S, check=False)  # fmt: skip
        out, err, code = done.stdout.strip(), done.stderr, done.returncode
    except subprocess.TimeoutExpired as exc:
        out, err, code = "", str(exc.stderr or ""), f"killed after {LIMIT_S} s"
    took = time.perf_counter() - started
    head = (f"`{shlex.join(command)}` — {took:.0f} s; load average"
            f" {load:.1f} before, {os.getloadavg()[0]:.1f} after")  # fmt: skip
    if code != 0:
        sys.stderr.write(err[-4000:])
        return f"{head}\n\n**This benchmark failed** (exit {code}):\n\n{fenced(err[-1500:])}"
    return f"{head}\n\n{out if out.startswith('|') else fenced(out)}"


def figures(sections: list[tuple[str, str]], command: str, note: str) -> str:
    m = machine()
    lines = [
        BEGIN,
        f"Measured {m['date']} with `{command}`.",
        "",
        f"Machine: {m['cpus']} CPUs (`nproc`), {m['cpu']}, {m['ram']} RAM,"
        f" Linux {m['kernel']}, Python {m['python']}, SQLite {m['sqlite']}.",
    ]
    if note:
        lines += ["", note]
    for name, body in sections:
        lines += ["", f"### {name}", "", body]
    lines.append(END)
    return "\n".join(lines)


def write(block: str) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n\n"
    if BEGIN in text and END in text:
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n## Figures\n\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")


def main() -> None:
    only = sys.argv[1:]
    sections = []
    for name in benchmarks(only):
        print(f"== {name}", file=sys.stderr)
        sections.append((title(name), run_one(name)))
    command = shlex.join([".venv/bin/python", "bench/run_all.py", *only])
    note = os.environ.get("BENCH_NOTE", "")
    write(figures(sections, command, note))
    print(f"Figures written to {DOC.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
