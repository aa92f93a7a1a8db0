"""Redaction happens before anything is clipped (issue 11).

An error body of about 270 characters followed by the request's own Authorization header
(a proxy echoing the request) used to be clipped at 300 characters first, leaving most of
the token behind, where whole-token redaction no longer found it. Now every clip redacts
first, and any 8-character fragment of the token counts as the token.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
import respx

from vpstui.api import ApiError, VpsClient
from vpstui.api.secret import redact
from vpstui.audit import AuditLog
from vpstui.crash import crash_notice

TOKEN = "tok-REDACT-8f14e45fceea167a5a36dedd4bea2543"
BASE = "https://admin.vps.org"


def leaked_fragment(text: str, token: str = TOKEN, size: int = 8) -> str | None:
    """The first piece of `token` at least `size` long found in `text`, if any."""
    for start in range(len(token) - size + 1):
        piece = token[start : start + size]
        if piece in text:
            return piece
    return None


def test_leaked_fragment_finds_a_clipped_token() -> None:
    """Control: the helper notices a token cut short."""
    assert leaked_fragment(f"xx Bearer {TOKEN[:12]}…") == TOKEN[:8]
    assert leaked_fragment("nothing here") is None


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/json", "text/html"], ids=["text", "json", "html"]
)
async def test_an_echoed_header_past_the_clip_is_redacted(content_type: str) -> None:
    """A 400 whose body echoes the Authorization header just where it would be clipped."""
    echo = f"Authorization: Bearer {TOKEN}"
    padding = "x" * 255
    body = {
        "text/plain": f"{padding} {echo}",
        "application/json": '{"detail": "' + padding + " " + echo + '"}',
        "text/html": f"<html><head><title>{'y' * 80} {echo}</title></head></html>",
    }[content_type]
    router = respx.MockRouter(base_url=BASE)
    router.get("/api/v1/servers/").respond(400, text=body, headers={"content-type": content_type})
    async with VpsClient(
        token=TOKEN, base_url=BASE, transport=httpx.MockTransport(router.async_handler)
    ) as api:
        with pytest.raises(ApiError) as raised:
            await api.list_servers()
    error = raised.value
    for text in (error.message, error.detail or "", str(error), repr(error)):
        assert leaked_fragment(text) is None, text


@pytest.mark.parametrize("cut", [8, 12, 20, len(TOKEN) - 1])
def test_any_fragment_of_eight_or_more_characters_is_redacted(cut: int) -> None:
    assert leaked_fragment(redact(f"head {TOKEN[:cut]}… tail", [TOKEN])) is None
    assert leaked_fragment(redact(f"head …{TOKEN[-cut:]} tail", [TOKEN])) is None
    assert redact(f"a {TOKEN} b", [TOKEN]) == "a *** b"


def test_short_words_and_unrelated_text_stay() -> None:
    """Seven characters of the token are not a fragment; text without the token is kept."""
    assert redact(f"ab {TOKEN[:7]} cd", [TOKEN]) == f"ab {TOKEN[:7]} cd"
    assert redact("plain words", [TOKEN, "short"]) == "plain words"


def test_a_clipped_token_in_an_audit_message_is_redacted(tmp_path: Path) -> None:
    """A caller that clipped a message holding the token cannot leave part of it in the log."""
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path, host="h", secrets=[TOKEN])
    log.record("create", "failed", server_id=1, message=f"{'z' * 270} Bearer {TOKEN}"[:300])
    assert leaked_fragment(path.read_text("utf-8")) is None


@pytest.mark.parametrize("make", [lambda t: RuntimeError(("q" * 280) + " Bearer " + t)])
def test_a_crash_notice_redacts_before_clipping(make: Callable[[str], BaseException]) -> None:
    notice = crash_notice(make(TOKEN), None, [TOKEN])
    assert leaked_fragment(notice) is None


async def test_a_restore_answer_echoing_the_token_is_redacted() -> None:
    """The restore's free-text answer is shown (clipped) by the UI and scripts: redacted first."""
    router = respx.MockRouter(base_url=BASE)
    router.post("/api/v1/servers/1/restore/").respond(
        202, json={"message": f"{'m' * 250} got Bearer {TOKEN}"}
    )
    async with VpsClient(
        token=TOKEN, base_url=BASE, transport=httpx.MockTransport(router.async_handler)
    ) as api:
        result = await api.restore_backup(1, 2)
    assert result.message is not None and result.message.startswith("mmm")
    assert leaked_fragment(result.message[:300]) is None


def test_safe_text_redacts_a_known_token_before_clipping() -> None:
    """`format.safe_text` (every UI and script clip) removes any token a `Secret` holds,
    before it cuts the text: a notification cannot show half a token."""
    from vpstui.api.secret import Secret
    from vpstui.format import safe_text

    token = "tok-SAFETEXT-9c4e2f7a0b1d3e5f"
    Secret(token)
    shown = safe_text(f"{'n' * 265} Authorization: Bearer {token} tail", 300)
    assert leaked_fragment(shown, token) is None
    assert shown.startswith("nnnn") and "***" in shown
    assert safe_text("web-server-01", 20) == "web-server-01"


async def test_an_unreadable_item_echoing_the_token_is_redacted_before_its_preview_is_cut() -> None:
    """A listed item whose id is a long string holding the token: the problem the client
    reports quotes a 40-character preview of it, cut after the token was removed."""
    body = {"count": 1, "next": None, "results": [{"id": f"x{TOKEN}"}]}
    router = respx.MockRouter(base_url=BASE)
    router.get("/api/v1/servers/").respond(200, json=body)
    async with VpsClient(
        token=TOKEN, base_url=BASE, transport=httpx.MockTransport(router.async_handler)
    ) as api:
        listing = await api.list_servers()
    assert listing.problems, "control: the item was reported as unreadable"
    for problem in listing.problems:
        assert leaked_fragment(problem) is None, problem


def test_a_token_learned_later_is_redacted_from_text_seen_before() -> None:
    """`redact_known` keeps answers for speed; a new token clears them."""
    from vpstui.api.secret import Secret, redact_known

    token = "tok-LATER-31d0c6a7e2b94f58"
    text = f"echoed: {token}"
    assert redact_known(text) == text  # not a known token yet
    Secret(token)
    assert redact_known(text) == "echoed: ***"
