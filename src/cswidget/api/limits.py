"""What a server can make the client do, bounded: every answer is read
within these limits, or the call fails with an `InvalidResponseError`.

    body = bytearray()
    decompressor = Decompressor(response.headers.get("Content-Encoding"))
    for raw in response.iter_raw():       # as it arrives, still compressed
        for piece in decompressor.feed(raw):
            add_chunk(body, piece, limit=DEFAULT_MAX_RESPONSE_BYTES)
    if json_too_deep(bytes(body)):
        ...                               # refused before any decoder recurses

- A body is decompressed in pieces of at most 64 KiB and counted as it is:
  a small gzip body cannot expand into gigabytes in memory
  (`DEFAULT_MAX_RESPONSE_BYTES`, the clients' `max_response_bytes`). The
  client asks for gzip or deflate (`ACCEPT_ENCODING`) and refuses others.
- JSON nests at most `MAX_JSON_DEPTH` levels, checked on the bytes before
  they are decoded: Python's decoder recurses once per level.
- Headers the client reads are bounded too (`MAX_LINK_LENGTH`,
  `MAX_COUNT_DIGITS`); a lengthy `Retry-After` is read by
  `cswidget.api.retry.parse_retry_after`.
- A list stops after `DEFAULT_MAX_PAGES` pages (`max_pages`), and at the
  first link back to a page it fetched (cswidget.api.paging).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from typing import Final

from .. import wire
from ..wire import json_too_deep as json_too_deep

__all__ = [
    "ACCEPT_ENCODING",
    "DEFAULT_MAX_PAGES",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "MAX_COUNT_DIGITS",
    "MAX_JSON_DEPTH",
    "MAX_LINK_LENGTH",
    "BodyRefused",
    "Decompressor",
    "add_chunk",
    "is_json_media_type",
    "json_too_deep",
]

# A page of the largest list (100 feedback responses with every answer and
# comment at the API's own length limits) is well under 2 MiB.
DEFAULT_MAX_RESPONSE_BYTES: Final = 16 * 1024 * 1024
# 100 items a page (MAX_PER_PAGE): a million items, more than any account's
# list; a longer list is read with max_pages raised, or in parts (--since).
DEFAULT_MAX_PAGES: Final = 10_000
# The API's deepest answer (a response's answers' choices) nests 4 levels.
MAX_JSON_DEPTH: Final = wire.MAX_JSON_DEPTH
# A Link header names first, prev, next and last: a few hundred characters.
MAX_LINK_LENGTH: Final = 8192
# X-Total-Count: 18 digits fit an int64 and any real count.
MAX_COUNT_DIGITS: Final = 18
# What the client decompresses, and asks for; httpx would also ask for br
# and zstd when their packages are installed, decoding each network read
# whole, so one 64 KiB read of a bomb could become gigabytes at once.
ACCEPT_ENCODING: Final = "gzip, deflate"
_WBITS = {"gzip": zlib.MAX_WBITS | 16, "x-gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS}
# Encodings stacked on one body ("gzip, gzip" multiplies the expansion).
_MAX_ENCODINGS = 2
# The most one decompression step holds in memory.
_PIECE = 64 * 1024


class BodyRefused(ValueError):
    """A body the client does not read: past its limit, in an encoding it
    did not ask for, or not decompressing; the client turns it into
    `InvalidResponseError`."""


class Decompressor:
    """Undoes a body's Content-Encoding in pieces of at most 64 KiB.

    >>> import gzip
    >>> b"".join(Decompressor("gzip").feed(gzip.compress(b"hello")))
    b'hello'

    Raises `BodyRefused` for an encoding the client did not ask for, or
    for data that does not decompress.
    """

    def __init__(self, content_encoding: str | None) -> None:
        names = [name.strip().lower() for name in (content_encoding or "").split(",")]
        names = [name for name in names if name and name != "identity"]
        for name in names:
            if name not in _WBITS:
                raise BodyRefused(
                    f"Content-Encoding: {name[:40]!r} is not one the client accepts "
                    f"({ACCEPT_ENCODING})"
                )
        if len(names) > _MAX_ENCODINGS:
            raise BodyRefused(
                f"Content-Encoding: {len(names)} encodings on one body, "
                f"more than the {_MAX_ENCODINGS} the client undoes"
            )
        # The last encoding applied is the first undone.
        self._stages = [_Inflater(name) for name in reversed(names)]

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The decompressed pieces of the next `data` of the body."""
        pieces: Iterable[bytes] = (data,)
        for stage in self._stages:
            pieces = stage.inflate(pieces)
        return (piece for piece in pieces if piece)


class _Inflater:
    def __init__(self, name: str) -> None:
        self._name = name
        self._wbits = _WBITS[name]
        self._zlib = zlib.decompressobj(self._wbits)
        self._started = False

    def inflate(self, pieces: Iterable[bytes]) -> Iterator[bytes]:
        for piece in pieces:
            data = piece
            while True:
                try:
                    out = self._zlib.decompress(data, _PIECE)
                except zlib.error as error:
                    if self._name == "deflate" and not self._started:
                        # Some servers send raw deflate, without zlib's header.
                        self._wbits = -zlib.MAX_WBITS
                        self._zlib = zlib.decompressobj(self._wbits)
                        self._started = True
                        continue
                    raise BodyRefused(
                        f"Content-Encoding: the {self._name} body does not decompress ({error})"
                    ) from None
                self._started = True
                yield out
                data = self._zlib.unconsumed_tail
                # A full piece may leave output inside zlib: ask again.
                if not data and len(out) < _PIECE:
                    break


def add_chunk(body: bytearray, chunk: bytes, *, limit: int) -> None:
    """Add a decompressed `chunk` to `body`, or raise `BodyRefused` when the
    body would pass `limit` bytes (the chunk is not added)."""
    if len(body) + len(chunk) > limit:
        raise BodyRefused(f"the response body is larger than {limit} bytes (max_response_bytes)")
    body += chunk


def is_json_media_type(content_type: str | None) -> bool:
    """Whether a Content-Type is JSON: `application/json` or `+json`, in any
    case (media types are case-insensitive), with any parameters.

    >>> is_json_media_type("APPLICATION/JSON; Charset=UTF-8")
    True
    """
    media_type = (content_type or "").split(";")[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")
