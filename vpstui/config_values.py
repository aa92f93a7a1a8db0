"""How each setting's value is checked: number ranges, colours, and the error that says
what is wrong (`ConfigError`). No I/O here; `vpstui.config` resolves where values come from.
"""

from __future__ import annotations

import math
from typing import Any

from vpstui.i18n import N_, _
from vpstui.tokens import TokenSourceError

__all__ = ["LIMITS", "ConfigError", "check_number", "parse_colour"]

#: The accepted range of each number setting (flag or config file). idle_refresh may be 0.
LIMITS: dict[str, tuple[float, float]] = {
    "poll_interval": (0.5, 3600.0),
    "idle_refresh": (1.0, 86400.0),
    "stale_after_hours": (0.1, 24 * 365 * 10.0),
    "timeout": (1.0, 3600.0),  # --timeout: one request
    "wait_timeout": (1.0, 7 * 86400.0),  # --wait-timeout: a script's whole wait
    "restore_follow": (1.0, 7 * 86400.0),  # how long a restore is followed for an end
}


class ConfigError(TokenSourceError):
    """A setting that cannot be used; the message says which and why."""


def parse_colour(value: Any, where: str) -> str:
    """A colour for the header badge as Rich reads it: a Rich name (`red`, `dark_orange`),
    `#rrggbb`, or a Textual/CSS name (`crimson`, `#f00`), which becomes `#rrggbb`."""
    from rich.color import Color, ColorParseError

    text = value.strip().lower() if isinstance(value, str) else ""
    if text and text != "default":
        try:
            Color.parse(text)
            return text
        except ColorParseError:
            pass
        # Textual knows the CSS names too; imported only here (config stays Textual-free).
        from textual.color import Color as TextualColor

        try:
            parsed = TextualColor.parse(text).hex
        except Exception:
            parsed = ""
        if parsed.startswith("#"):
            return parsed[:7].lower()
    raise ConfigError(
        _(
            "colour {value!r} in {where} is not a colour: use a name like red or dark_orange, "
            "or #rrggbb."
        ).format(value=value, where=where)
    )


#: The allowed range of a number, by unit (`check_number`).
_RANGES = {
    "seconds": N_("from {low:g} to {high:g} seconds"),
    "hours": N_("from {low:g} to {high:g} hours"),
}


def check_number(
    value: Any, name: str, limits: tuple[float, float], unit: str = "seconds", *, off: bool = False
) -> float:
    """`value` as a float within `limits` (inclusive), or a `ConfigError` saying the range.

    With `off`, 0 is accepted too (it turns the feature off). Booleans, text, NaN and
    infinities are refused: `float("1e308")` is a number, but no sensible interval.
    """
    low, high = limits
    template = _RANGES.get(unit)
    allowed = (
        _(template).format(low=low, high=high) if template else f"from {low:g} to {high:g} {unit}"
    )
    if off:
        allowed = _("{range} (0: off)").format(range=allowed)
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError, OverflowError):
        number = math.nan
    if not math.isfinite(number) or not (low <= number <= high or (off and number == 0)):
        raise ConfigError(
            _("{name} must be a number {allowed} (got {value!r}).").format(
                name=name, allowed=allowed, value=value
            )
        )
    return number
