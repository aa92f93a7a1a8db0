"""A scripting command's question is answered only by what is typed after it is asked."""

from __future__ import annotations

import os
import sys

import pytest

from vpstui.commands import session
from vpstui.commands.session import ask_on_terminal

pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")


def test_what_was_typed_before_the_question_does_not_answer_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Seen in tmux: `vpstui restore` against a slow API; the server name typed while the
    backup was being looked up confirmed the restore as soon as the prompt appeared, before
    its overwrite warning could be read. What was typed before the prompt is discarded."""
    controller, terminal = os.openpty()
    with os.fdopen(terminal, "r", closefd=True) as typed:
        monkeypatch.setattr(sys, "stdin", typed)
        os.write(controller, b"mail-relay\n")  # typed ahead, while nothing was asked

        def type_after_the_prompt(*_args: object, **_kwargs: object) -> None:
            os.write(controller, b"nope\n")

        monkeypatch.setattr(session, "print", type_after_the_prompt, raising=False)
        assert ask_on_terminal("Type the server name to confirm: ") == "nope"
    os.close(controller)


def test_piped_answers_are_read_in_order(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    """A pipe or a file is not a terminal: its lines are the answers, none discarded."""
    read, write = os.pipe()
    os.write(write, b"first\nsecond\n")
    os.close(write)
    with os.fdopen(read, "r") as piped:
        monkeypatch.setattr(sys, "stdin", piped)
        assert ask_on_terminal("? ") == "first"
        assert ask_on_terminal("? ") == "second"
