"""The releases venues run, as this repository's history holds them.

There is no git tag yet: 0.1.0 is the last commit of the first release (2026-11-28, the
group-commit and scan fast-path work, CHANGES.md's first section), the tree venues
installed before the fixes that began on 2026-12-02. Its pyproject.toml says 0.1.0.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RELEASE_0_1_0 = "d02fb97b3e5184962f007518cddf0ced0f6546f1"


def git(*args: str) -> bytes:
    done = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return done.stdout


def need_release(commit: str = RELEASE_0_1_0) -> None:
    """Fails (never skips) where the release's commit is missing, saying how to get it."""
    found = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{commit}^{{commit}}"],
                           capture_output=True, check=False)  # fmt: skip
    if found.returncode != 0:
        pytest.fail(f"release commit {commit} is not in {ROOT}: a shallow or partial clone."
                    " Fetch the full history (git fetch --unshallow) and run again.")  # fmt: skip


def released_file(path: str, commit: str = RELEASE_0_1_0) -> bytes:
    """A file's bytes as the release shipped it."""
    return git("show", f"{commit}:{path}")


def released_names(folder: str, commit: str = RELEASE_0_1_0) -> list[str]:
    """The file names in a folder of the release."""
    return git("ls-tree", "--name-only", f"{commit}:{folder}").decode().split()


def unpack_release(into: Path, commit: str = RELEASE_0_1_0) -> Path:
    """The release's tree, as `git archive` writes it, unpacked into a folder."""
    need_release(commit)
    with tarfile.open(fileobj=io.BytesIO(git("archive", "--format=tar", commit))) as tree:
        tree.extractall(into, filter="data")
    return into


def dependencies(pyproject: bytes) -> set[str]:
    """The distribution names a pyproject.toml depends on (no versions or extras)."""
    names = tomllib.loads(pyproject.decode())["project"]["dependencies"]
    return {_name(n) for n in names}


def _name(requirement: str) -> str:
    for stop in "<>=!~[; ":
        requirement = requirement.split(stop, 1)[0]
    return requirement.strip().lower().replace("_", "-")
