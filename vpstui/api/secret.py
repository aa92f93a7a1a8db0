"""A token holder that never shows its value by accident, and the one redaction function.

Every text that may reach a screen, a log, the audit log or a crash report goes through
`redact` *before* it is clipped to a length: clipping first could cut the token in two and
leave a piece that whole-token matching no longer finds. `redact` therefore also removes
any piece of a secret at least `MIN_SECRET` characters long.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["MIN_SECRET", "Secret", "redact"]

#: Secrets shorter than this are not real tokens (e.g. the demo's) and are not redacted;
#: pieces of a secret at least this long count as the secret.
MIN_SECRET = 8
MASK = "***"


class Secret:
    """Wraps a secret string: `str()`, `repr()` and f-strings show `***`, never the value.

    Call `reveal()` at the one place the value is really needed (the Authorization header).
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

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


def redact(text: str, secrets: Iterable[str | Secret]) -> str:
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
