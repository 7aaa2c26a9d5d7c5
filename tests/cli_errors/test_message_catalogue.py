"""Issue 18: every message docs/errors.md quotes is what the code prints. Each row of its
catalogue is run as written (variables, then the `radar` command) from the emulator's env
file, and the printed `error:` line and exit code must match the row."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from emulator.testing import running_emulator
from service.admin.views import REDIS_DOWN_MESSAGE
from service.cli import main

DOC = Path(__file__).resolve().parents[2] / "docs" / "errors.md"


@dataclass(frozen=True)
class Row:
    env: dict[str, str]
    args: list[str]
    expected: str
    code: int


def _rows() -> list[Row]:
    text = DOC.read_text(encoding="utf-8").split("## Catalogue", 1)[1]
    rows = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        command = re.sub(r"\s*\(.*\)$", "", cells[0]).strip("`")
        words = shlex.split(command)
        env = dict(w.split("=", 1) for w in words[: words.index("radar")])
        rows.append(Row(env, words[words.index("radar") + 1:], cells[1].strip("`"),
                        int(cells[2])))
    return rows


ROWS = _rows()


def _pattern(expected: str) -> re.Pattern[str]:
    return re.compile(".*?".join(re.escape(part) for part in expected.split("…")))


@pytest.fixture(scope="module")
def emulator_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    with running_emulator(tmp_path_factory.mktemp("org")) as emu:
        yield dict(emu.env)


def test_the_catalogue_covers_the_common_mistakes() -> None:
    assert len(ROWS) >= 12
    assert {r.code for r in ROWS} == {1, 2, 3}


@pytest.mark.parametrize("row", ROWS, ids=[" ".join([*r.env, *r.args]) for r in ROWS])
def test_given_catalogue_row_when_run_then_code_prints_exactly_that(
        row: Row, emulator_env: dict[str, str], redis_url: str, redis_conn) -> None:
    env: dict[str, str | None] = {**emulator_env, "REDIS_URL": redis_url}
    env.update({k: (v or None) for k, v in row.env.items()})  # "VAR=" unsets, as in a shell
    result = CliRunner().invoke(main, row.args, env=env)
    lines = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert result.exit_code == row.code, result.output
    assert len(lines) == 1, result.output
    assert _pattern(row.expected).fullmatch(lines[0]), (lines[0], row.expected)


def test_quoted_admin_outage_page_matches_the_code() -> None:
    doc = re.sub(r"\s+", " ", DOC.read_text(encoding="utf-8"))
    assert REDIS_DOWN_MESSAGE in doc
