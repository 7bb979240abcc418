"""The compiled parts (alignment and word scanning; the attribution models' features);
everything else is in pyproject.toml."""

from setuptools import Extension, setup

setup(ext_modules=[
    Extension("newstrace._core", ["src/newstrace/_core.c"], extra_compile_args=["-O2"]),
    Extension("newstrace.quotes._features", ["src/newstrace/quotes/_features.c"], extra_compile_args=["-O2"]),
])
