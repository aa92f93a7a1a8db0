"""The last backup listing, kept on disk so the next start shows rows in its first frame.

One file per profile, API host and scope (All servers, and the `MAX_SCOPES` other scopes
looked at last) in the platform's user cache directory
(`~/.cache/vpstui/` on Linux; `$VPSTUI_CACHE_DIR` overrides), mode 0600 in a 0700
directory. It holds the listing's backups and when they were listed, never the token or
anything else about the account. The format is versioned; a file that is corrupt, of
another format or version, or for another account is ignored with a one-line note and
overwritten by the next good listing. Listings beyond `MAX_ROWS` keep the newest rows.
No Textual here.
"""

from __future__ import annotations

import contextlib
import os
import zlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import msgspec

from vpstui.api.models import Backup
from vpstui.i18n import _
from vpstui.os_reasons import os_reason

__all__ = ["CACHE_FORMAT", "MAX_ROWS", "CachedListing", "ListingCache", "cache_dir", "keep_file"]

ENV_CACHE_DIR = "VPSTUI_CACHE_DIR"
CACHE_FORMAT = "vpstui-listing/1"
#: The most backups a cache file keeps (the newest), about 3 MB.
MAX_ROWS = 20_000
#: A file bigger than this is not read at all.
MAX_BYTES = 16 * 1024 * 1024
#: Listings kept besides All servers' (one server, a type filter), the last saved.
MAX_SCOPES = 4
#: The length of the key in file names before issue 13's last round (a SHA-256 prefix).
OLD_KEY_LENGTH = 20


def keep_file(path: Path, data: bytes) -> None:
    """Write a cache file: `data` replaces `path` atomically, mode 0600, in a 0700
    directory. A file that cannot be written is not an error (a cache is only a head
    start): the next start does without it."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()  # a leftover keeps its mode: start from a new file
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()


class CachedListing(msgspec.Struct):
    """What the cache file holds: a listing of one scope of one account, and its age."""

    format: str
    api: str
    profile: str | None
    scope: tuple[int | None, str | None]
    saved_at: datetime
    backups: list[Backup]


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """`$VPSTUI_CACHE_DIR`, or the platform's user cache directory for vpstui."""
    env = os.environ if environ is None else environ
    override = env.get(ENV_CACHE_DIR, "").strip()
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_path

    return user_cache_path("vpstui", appauthor=False)


def _times_have_zones(found: CachedListing) -> bool:
    """Every time in it says its zone, as vpstui writes them: one without (a file edited
    or written by something else) cannot be compared with the clock."""
    if found.saved_at.tzinfo is None:
        return False
    return all(
        (b.created_at is None or b.created_at.tzinfo is not None)
        and (b.expires_at is None or b.expires_at.tzinfo is not None)
        for b in found.backups
    )


class ListingCache:
    """The cache file of one account (`profile` at `api`, the API's host)."""

    def __init__(self, api: str, profile: str | None, directory: Path | None = None) -> None:
        self.api = api
        self.profile = profile
        # Two checksums (zlib is loaded with Textual; hashlib would cost ~2 ms of every
        # start, issue 13). A clash of keys costs only a cache miss: the file names the
        # account it holds, and `load` checks it.
        raw = f"{profile or ''}\0{api}".encode()
        key = f"{zlib.crc32(raw):08x}{zlib.adler32(raw):08x}"
        self._key = key
        #: The file of All servers' listing (each other scope has its own beside it).
        self.path = (directory or cache_dir()) / f"listing-{key}.json"
        #: Why the last `load()` found nothing usable in an existing file (one line).
        self.note: str | None = None

    def path_of(self, scope: tuple[int | None, str | None]) -> Path:
        """The file of `scope`'s listing. Each scope has its own, so looking at one server
        does not replace All servers' listing, the one most starts show."""
        if scope == (None, None):
            return self.path
        server, kind = scope
        kind_word = "".join(c for c in kind or "any" if c.isalnum())[:20]
        return self.path.with_name(f"listing-{self._key}-{server or 'all'}-{kind_word}.json")

    def load(self, scope: tuple[int | None, str | None]) -> CachedListing | None:
        """The cached listing of `scope`, or None (no file, another scope, or unusable:
        then `note` says why, in one line)."""
        self.note = None
        path = self.path_of(scope)
        try:
            if path.stat().st_size > MAX_BYTES:
                self.note = _("The listing cache is too big to read; ignored.")
                return None
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            self.note = _("The listing cache could not be read ({why}); ignored.").format(
                why=os_reason(exc)
            )
            return None
        try:
            found = msgspec.json.decode(data, type=CachedListing)
        except (msgspec.DecodeError, msgspec.ValidationError):
            found = None
        if found is None or found.format != CACHE_FORMAT or not _times_have_zones(found):
            self.note = _("The listing cache is unreadable or of another version; ignored.")
            return None
        if found.api != self.api or found.profile != self.profile:
            self.note = _("The listing cache belongs to another account; ignored.")
            return None
        if tuple(found.scope) != scope:
            return None
        return found

    def save(
        self, scope: tuple[int | None, str | None], backups: Sequence[Backup], now: datetime
    ) -> None:
        """Keep this listing (the newest `MAX_ROWS`), replacing the file atomically, 0600.
        A cache that cannot be written is not an error: the next start is just slower."""
        # Newest first, as the table shows them by default: sorting the next start's rows
        # is then one pass over rows already in order (~1 ms of 3,000 less, issue 13).
        oldest = datetime.min.replace(tzinfo=UTC)
        rows = sorted(backups, key=lambda b: (b.created_at or oldest, b.id), reverse=True)
        rows = rows[:MAX_ROWS]
        listing = CachedListing(CACHE_FORMAT, self.api, self.profile, scope, now, rows)
        keep_file(self.path_of(scope), msgspec.json.encode(listing))
        self._keep_few_scopes()
        if scope == (None, None):
            self._remove_old_names()

    def _remove_old_names(self) -> None:
        """Listings saved under the earlier names, of 20 hex digits (no start
        reads them any more): removed, whichever account they were for."""
        for path in self.path.parent.glob("listing-*.json"):
            key = path.name.removeprefix("listing-").split("-")[0].split(".")[0]
            if len(key) == OLD_KEY_LENGTH:
                with contextlib.suppress(OSError):
                    path.unlink()

    def _keep_few_scopes(self) -> None:
        """Besides All servers', the listings of the `MAX_SCOPES` scopes saved last."""
        others = []
        for path in self.path.parent.glob(f"listing-{self._key}-*.json"):
            with contextlib.suppress(OSError):
                others.append((path.stat().st_mtime, path))
        for _when, path in sorted(others, reverse=True)[MAX_SCOPES:]:
            with contextlib.suppress(OSError):
                path.unlink()

    def clear(self) -> None:
        """Remove this account's listings, of every scope."""
        for path in [self.path, *self.path.parent.glob(f"listing-{self._key}-*.json")]:
            with contextlib.suppress(OSError):
                path.unlink()
