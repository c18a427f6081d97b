"""Only a build step the TOML cannot express: the wheel carries the shipped letters and model.

The repository keeps `templates/` and `models/` at the top level (people edit and review them
there); an installed wheel has no repository beside it, so the build copies both into the
package as `mailbot/_shipped/`, where `mailbot.shipped_files` finds them. Everything else about
the package is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SHIPPED = ("templates", "models")


class BuildPyWithShippedFiles(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # an editable install reads them from the checkout itself
        here = Path(__file__).resolve().parent
        for name in SHIPPED:
            target = Path(self.build_lib) / "mailbot" / "_shipped" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(here / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildPyWithShippedFiles})
