"""Runs every benchmark in bench/ and writes their tables into docs/performance.md.

A benchmark is a bench/*.py module with `main(argv) -> str` that returns a Markdown section
(and a TITLE). Figures go between the two markers in docs/performance.md; the hand-written
interpretation around them is kept.

    .venv/bin/python bench/run_all.py            # or: make bench
    .venv/bin/python bench/run_all.py desk       # only some benchmarks
"""

from __future__ import annotations

import importlib
import shlex
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import ROOT, machine  # noqa: E402

DOC = ROOT / "docs" / "performance.md"
BEGIN = "<!-- figures: written by bench/run_all.py -->"
END = "<!-- end of figures -->"
NOT_BENCHMARKS = {"common", "run_all", "floor"}


def benchmarks(only: list[str]) -> list[str]:
    names = sorted(p.stem for p in HERE.glob("*.py") if p.stem not in NOT_BENCHMARKS)
    return [n for n in names if not only or n in only]


def figures(sections: list[tuple[str, str]], command: str) -> str:
    m = machine()
    lines = [
        BEGIN,
        f"Measured {m['date']} with `{command}`.",
        "",
        f"Machine: {m['cpus']} CPUs (`nproc`), {m['cpu']}, {m['ram']} RAM,"
        f" Linux {m['kernel']}, Python {m['python']}, SQLite {m['sqlite']}.",
    ]
    for title, body in sections:
        lines += ["", f"### {title}", "", body]
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
        module = importlib.import_module(name)
        if not callable(getattr(module, "main", None)):
            continue
        print(f"== {name}", file=sys.stderr)
        sections.append((getattr(module, "TITLE", name), module.main([])))
    command = shlex.join([".venv/bin/python", "bench/run_all.py", *only])
    write(figures(sections, command))
    print(f"Figures written to {DOC.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
