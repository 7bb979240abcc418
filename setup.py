"""The compiled alignment core; everything else about the package is in pyproject.toml."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("newstrace._align", ["src/newstrace/_align.c"], extra_compile_args=["-O2"])])
