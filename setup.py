"""The compiled core (alignment and word scanning); everything else is in pyproject.toml."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("newstrace._core", ["src/newstrace/_core.c"], extra_compile_args=["-O2"])])
