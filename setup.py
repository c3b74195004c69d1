"""Packages are found, not listed (a sub-package missed by a hand-written list ships a
broken wheel; tests/test_architecture.py builds the wheel and runs it): every package of
xueji_cli/, and the top-level migrations/ (where PRODUCT.md keeps it) installed inside it
as xueji_cli.migrations, so that `xueji init` and `xueji db upgrade` find it."""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["xueji_cli", "xueji_cli.*"]), "xueji_cli.migrations",
                *(f"xueji_cli.migrations.{name}" for name in find_packages("migrations"))])
