"""The docs stay true: README's two commands, its settings table, and .ci/run."""

from __future__ import annotations

import re
from pathlib import Path

from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_commands() -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", README)


def test_readme_starts_with_the_run_and_test_commands() -> None:
    run, test = readme_commands()[:2]
    assert run.endswith("hearth play")
    assert test.endswith("python -m pytest") and "[test]" in test
    assert README.index(run) < 400


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci.splitlines()


def test_every_setting_is_in_the_readme_table() -> None:
    for name in Settings.model_fields:
        assert f"| `HEARTH_{name.upper()}` |" in README, name
