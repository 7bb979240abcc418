"""Docs and --help must not drift: every command and setting is documented."""

import argparse
import dataclasses

from newstrace.cli import build_parser
from newstrace.settings import Settings

from conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")
USAGE = (ROOT / "docs" / "usage.md").read_text("utf-8")


def _commands(parser, prefix=()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield " ".join(prefix + (name,)), sub
                yield from _commands(sub, prefix + (name,))


def test_every_command_is_documented():
    for name, _ in _commands(build_parser()):
        assert f"newstrace {name}" in USAGE, f"docs/usage.md does not describe 'newstrace {name}'"


def test_every_setting_is_documented():
    for field in dataclasses.fields(Settings):
        flag = "--" + field.name.replace("-", "_").replace("_", "-")
        assert f"`{field.name}`" in USAGE and flag in USAGE, f"docs/usage.md misses setting {field.name}"


def test_every_flag_of_every_command_is_documented():
    for name, sub in _commands(build_parser()):
        for action in sub._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag != "--help":
                    assert flag in USAGE, f"docs/usage.md misses {flag} of 'newstrace {name}'"


def test_readme_quickstart_has_two_commands():
    section = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    commands = [l for l in section.splitlines() if l.startswith("    ") or l.startswith("$ ")]
    blocks = section.split("```")
    code = [b for i, b in enumerate(blocks) if i % 2 == 1]
    lines = [l for b in code for l in b.strip().splitlines()[1:] if l.strip()] if code else commands
    assert len(lines) == 2, lines
