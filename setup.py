"""The one build step pyproject.toml cannot say: files kept at the repository's top level
ship inside the package.

`static/` (the pages' CSS, JavaScript, sounds and vendored htmx) and `docs/openapi.yaml` stay
where people edit them; a wheel carries them as `kiosk/static/` and `kiosk/operations/
openapi.yaml`, where kiosk.operations.assets looks first. A checkout (editable or on
PYTHONPATH) has no copies, and the same lookup falls back to the files in the checkout.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SHIPPED = {"static": "kiosk/static", "docs/openapi.yaml": "kiosk/operations/openapi.yaml"}


class BuildWithAssets(build_py):
    """build_py, then the top-level files copied into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):  # `pip install -e`: the checkout's files serve
            return
        for source, target in SHIPPED.items():
            built = Path(self.build_lib) / target
            if Path(source).is_dir():
                self.copy_tree(source, str(built))
            else:
                self.mkpath(str(built.parent))
                self.copy_file(source, str(built))


setup(cmdclass={"build_py": BuildWithAssets})
