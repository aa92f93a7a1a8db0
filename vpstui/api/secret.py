"""A token holder that never shows its value by accident, and the one redaction function.

Every text that may reach a screen, a log, the audit log or a crash report goes through
`redact` *before* it is clipped to a length: clipping first could cut the token in two and
leave a piece that whole-token matching no longer finds. `redact` therefore also removes
any piece of a secret at least `MIN_SECRET` characters long.

Every `Secret` of a real token's length is also remembered for this process, so that
`redact_known(text)` can remove it where the caller does not hold the token (the UI's
`format.safe_text`, which clips, calls it first).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

__all__ = ["MIN_SECRET", "Secret", "redact", "redact_known"]

#: Secrets shorter than this are not real tokens (e.g. the demo's) and are not redacted;
#: pieces of a secret at least this long count as the secret.
MIN_SECRET = 8
MASK = "***"

#: Every token a `Secret` held in this process, and their pieces of `MIN_SECRET` characters.
_KNOWN: set[str] = set()
_PIECES: set[str] = set()


def _remember(value: str) -> None:
    if len(value) >= MIN_SECRET and value not in _KNOWN:
        _PIECES.update(value[i : i + MIN_SECRET] for i in range(len(value) - MIN_SECRET + 1))
        _KNOWN.add(value)
        _redact_known.cache_clear()  # answers given before this token was known


class Secret:
    """Wraps a secret string: `str()`, `repr()` and f-strings show `***`, never the value.

    Call `reveal()` at the one place the value is really needed (the Authorization header).
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        _remember(value)

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('***')"

    def __str__(self) -> str:
        return "***"

    def __format__(self, spec: str) -> str:
        return "***"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("Secret values are not picklable")


def redact(text: str, secrets: Iterable[str] | Iterable[Secret | str]) -> str:
    """`text` with every secret, and every piece of one at least `MIN_SECRET` characters
    long, replaced by `***`. Secrets shorter than `MIN_SECRET` are left alone."""
    for secret in secrets:
        value = secret.reveal() if isinstance(secret, Secret) else secret
        if len(value) >= MIN_SECRET:
            text = _redact_one(text, value)
    return text


def _redact_one(text: str, secret: str) -> str:
    """`text` without `secret` or any piece of it of `MIN_SECRET` characters or more."""
    if secret in text:
        text = text.replace(secret, MASK)
    pieces = {secret[i : i + MIN_SECRET] for i in range(len(secret) - MIN_SECRET + 1)}
    parts: list[str] = []
    kept = start = 0
    while start <= len(text) - MIN_SECRET:
        if text[start : start + MIN_SECRET] not in pieces:
            start += 1
            continue
        end = start + MIN_SECRET
        while end < len(text) and text[start : end + 1] in secret:
            end += 1  # the longest piece of the secret that starts here
        parts += [text[kept:start], MASK]
        kept = start = end
    parts.append(text[kept:])
    return "".join(parts)


def redact_known(text: str) -> str:
    """`text` without any token a `Secret` holds in this process (nor any piece of one of
    `MIN_SECRET` characters or more); the same text, quickly, when none is in it."""
    if not _PIECES or len(text) < MIN_SECRET:
        return text
    return _redact_known(text)


@lru_cache(maxsize=2048)
def _redact_known(text: str) -> str:
    """`redact_known` for a text long enough to hold a piece; the UI asks again and again
    for the same names and statuses, so answers are kept (cleared when a token is added)."""
    for start in range(len(text) - MIN_SECRET + 1):
        if text[start : start + MIN_SECRET] in _PIECES:
            longest_first = sorted(_KNOWN, key=len, reverse=True)
            return redact(text, longest_first)
    return text
