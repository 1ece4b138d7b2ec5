"""Ctrl-C: exit 130 and one word, however the interrupted code fails afterwards."""

from __future__ import annotations

import os
import signal

import click
import pytest
from click.testing import CliRunner

from theorygraph.cli_common import handles_errors
from theorygraph.errors import ConnectionFailed


def command(then: type[BaseException] | None):
    """A command that presses Ctrl-C on itself mid-work; its clean-up then raises ``then``."""

    @click.command()
    @handles_errors
    def interrupted_work() -> None:
        try:
            os.kill(os.getpid(), signal.SIGINT)
            raise AssertionError("Ctrl-C did not arrive")
        except KeyboardInterrupt:
            if then is None:
                raise
            raise then("clean-up failed") from None  # as the driver's rollback may

    return interrupted_work


@pytest.mark.parametrize("then", [None, ConnectionFailed, BufferError])
def test_ctrl_c_exits_130_whatever_the_clean_up_raises(then):
    result = CliRunner().invoke(command(then))
    assert result.exit_code == 130
    assert result.stderr.strip().splitlines() == ["interrupted"]
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_an_error_without_ctrl_c_is_not_called_an_interruption():
    @click.command()
    @handles_errors
    def failing() -> None:
        raise ConnectionFailed("bolt://x: cannot reach Neo4j")

    result = CliRunner().invoke(failing)
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: bolt://x: cannot reach Neo4j"
