"""One build step beyond pyproject.toml: the wheel carries the shell plugin.

``plugin/`` stays at the top of the repository (plugin managers load it from there); the wheel
gets a copy as ``asso/plugin``, which ``asso init`` and ``asso demo`` find beside the package.
"""

from __future__ import annotations

import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))


class build_py_with_plugin(build_py):  # noqa: N801 (setuptools' command naming)
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install finds plugin/ of the checkout itself
        target = os.path.join(self.build_lib, "asso", "plugin")
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(
            os.path.join(HERE, "plugin"),
            target,
            ignore=shutil.ignore_patterns("*.zwc", ".*"),
        )


setup(cmdclass={"build_py": build_py_with_plugin})
