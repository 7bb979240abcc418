"""Docs and --help must not drift: every command and setting is documented."""

import argparse
import dataclasses

from newstrace.cli import build_parser
from newstrace.settings import Settings, setting_help

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


def _setting_rows() -> dict[str, list[str]]:
    rows = {}
    for line in USAGE.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`") and cells[1].startswith("`--"):
            rows[cells[0].strip("`")] = cells
    return rows


def test_each_settings_help_is_the_one_the_cli_and_the_docs_give():
    rows = _setting_rows()
    defaults = Settings()
    seen_in_cli = set()
    for name, sub in _commands(build_parser()):
        for action in sub._actions:
            if action.dest in rows and action.option_strings:
                assert action.help.startswith(setting_help(action.dest).replace("%", "%%")), (name, action.dest)
                seen_in_cli.add(action.dest)
    for field in dataclasses.fields(Settings):
        assert field.name in seen_in_cli, f"no command takes the setting {field.name}"
        flag, default, meaning = rows[field.name][1:]
        assert flag == f"`--{field.name.replace('_', '-')}`"
        assert meaning.startswith(setting_help(field.name)), f"docs/usage.md's {field.name} is not its help"
        value = getattr(defaults, field.name)
        assert default == ("none" if value == () else f"{value:g}" if isinstance(value, float) else str(value))
