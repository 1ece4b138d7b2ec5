"""The progress bar: shown on a terminal for work of many batches, silent otherwise."""

from __future__ import annotations

import io

import pytest

from theorygraph import cli_common


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run_bar(monkeypatch: pytest.MonkeyPatch, stream: io.StringIO, total: int) -> str:
    monkeypatch.setattr(cli_common.sys, "stderr", stream)
    with cli_common.progress_bar("pushing") as update:
        if update is not None:
            for done in range(1, total + 1):
                update(done, total)
    return stream.getvalue()


def test_a_terminal_sees_the_bar_reach_the_end(monkeypatch):
    shown = run_bar(monkeypatch, Terminal(), 40)
    assert "pushing" in shown
    assert "100%" in shown
    assert "0%" in shown  # it started from the beginning


def test_nothing_is_written_when_piped(monkeypatch):
    assert run_bar(monkeypatch, io.StringIO(), 40) == ""


def test_a_small_push_shows_no_bar(monkeypatch):
    assert run_bar(monkeypatch, Terminal(), 5) == ""


def test_progress_bars_show_on_a_terminal_for_large_work_only(monkeypatch):
    screen = Terminal()
    monkeypatch.setattr(cli_common.sys, "stderr", screen)
    with cli_common.progress_bar(minimum=1000) as progress:
        progress("reading", 10, 100)  # small files get no bar
        assert screen.getvalue() == ""
        progress("importing", 600, 1200)
        progress("importing", 1200, 1200)
    assert "importing" in screen.getvalue() and "reading" not in screen.getvalue()
    screen = Terminal()
    monkeypatch.setattr(cli_common.sys, "stderr", screen)
    with cli_common.progress_bar("pushing") as progress:  # one stage: update(done, total)
        progress(5, 20)
        progress(20, 20)
    assert "pushing" in screen.getvalue()
