"""Opening importer inputs: files, folders, stdin (``-``), gzip detected by content.

A ``Source`` is a label (for messages) and a way to open a binary stream. JSON
lists are read item by item, so a multi-gigabyte file never sits in memory.
Every input is read through a size limit on its *decompressed* content
(``Source.max_bytes``, else ``settings.IMPORT_MAX_BYTES``): a small gzip file
that expands to gigabytes (a "zip bomb") fails with a clear error after the
limit, having used a bounded amount of memory.
"""

import contextlib
import gzip
import io
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

from .report import ImportFailed

GZIP_MAGIC = b"\x1f\x8b"
READ_SIZE = 1 << 16
MAX_JSON_ITEM = 16 << 20  # an item that does not parse within 16 MB is a broken file


@dataclass(frozen=True)
class Source:
    """An input to import: a label for messages and a way to open it as bytes.

    ``owned`` streams are closed after reading; stdin and uploads are not.
    """

    label: str
    open: Callable[[], BinaryIO]
    owned: bool = True
    max_bytes: int | None = None  # of decompressed content; None: IMPORT_MAX_BYTES

    @contextlib.contextmanager
    def opened(self) -> Iterator[BinaryIO]:
        stream = self.open()
        try:
            yield stream
        finally:
            if self.owned:
                stream.close()


def stdin_source() -> Source:
    return Source("standard input", lambda: sys.stdin.buffer, owned=False)


def path_sources(path: str | Path, *, suffixes: tuple[str, ...]) -> list[Source]:
    """The file at ``path``, or the files in the folder ``path`` whose names end
    with one of ``suffixes`` (with or without ``.gz``), in name order."""
    path = Path(path)
    if path.is_dir():
        files = sorted(
            p
            for p in path.iterdir()
            if p.is_file() and p.name.removesuffix(".gz").endswith(suffixes)
        )
        if not files:
            raise ImportFailed(f"{path} has no {' or '.join(suffixes)} files")
        return [file_source(p) for p in files]
    if not path.is_file():
        raise ImportFailed(f"{path} does not exist")
    return [file_source(path)]


def file_source(path: Path, *, label: str = "") -> Source:
    return Source(label or str(path), lambda: path.open("rb"))


def stream_source(label: str, stream: BinaryIO, *, max_bytes: int | None = None) -> Source:
    return Source(label, lambda: stream, owned=False, max_bytes=max_bytes)


def decompressed(stream: BinaryIO, *, max_bytes: int | None = None, label: str = "") -> BinaryIO:
    """``stream`` itself, or its gzip-decompressed content when it starts as gzip does,
    read through a limit of ``max_bytes`` (default ``settings.IMPORT_MAX_BYTES``)."""
    head = _peek(stream, 2)
    content = gzip.GzipFile(fileobj=head[0], mode="rb") if head[1] == GZIP_MAGIC else head[0]
    limit = max_bytes if max_bytes is not None else settings.IMPORT_MAX_BYTES
    return io.BufferedReader(_Limited(content, limit, label or "the input"), READ_SIZE)


class _Limited(io.RawIOBase):
    """A stream that fails (``ImportFailed``) once more than ``limit`` bytes were read."""

    def __init__(self, stream, limit: int, label: str):
        self.stream, self.limit, self.label, self.seen = stream, limit, label, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        try:
            data = self.stream.read(len(buffer))
        except (OSError, EOFError) as error:  # a truncated or corrupt gzip file
            raise ImportFailed(f"{self.label}: cannot read: {error}") from error
        self.seen += len(data)
        if self.seen > self.limit:
            raise ImportFailed(
                f"{self.label}: more than {self.limit // (1 << 20):,} MB once decompressed; "
                "nothing was imported."
            )
        buffer[: len(data)] = data
        return len(data)


def _peek(stream: BinaryIO, size: int) -> tuple[BinaryIO, bytes]:
    if hasattr(stream, "peek"):
        return stream, stream.peek(size)[:size]
    if stream.seekable():
        position = stream.tell()
        head = stream.read(size)
        stream.seek(position)
        return stream, head
    buffered = io.BufferedReader(_RawAdapter(stream))
    return buffered, buffered.peek(size)[:size]


class _RawAdapter(io.RawIOBase):
    def __init__(self, stream):
        self.stream = stream

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def iter_json_array(stream: BinaryIO, *, label: str) -> Iterator[object]:
    """The items of a JSON list, parsed one at a time from a binary stream.

    Raises ``ImportFailed`` when the stream is not a well-formed JSON list.
    """
    reader = _JsonListReader(stream, label)
    try:
        yield from reader.items()
    finally:
        reader.text.detach()  # leave the caller's stream open (stdin, an upload)


class _JsonListReader:
    def __init__(self, stream: BinaryIO, label: str):
        self.text = io.TextIOWrapper(stream, encoding="utf-8-sig")
        self.label = label
        self.decoder = json.JSONDecoder()
        self.buffer = ""
        self.position = 0
        self.eof = False

    def fail(self, message: str) -> ImportFailed:
        return ImportFailed(f"{self.label}: {message}")

    def fill(self) -> bool:
        """Read more text; False at the end of the stream."""
        if self.eof:
            return False
        try:
            chunk = self.text.read(READ_SIZE)
        except (OSError, EOFError, UnicodeDecodeError) as error:
            raise self.fail(f"cannot read: {error}") from error
        if not chunk:
            self.eof = True
            return False
        self.buffer = self.buffer[self.position :] + chunk
        self.position = 0
        return True

    def next_char(self) -> str:
        """The next character that is not white space ("" at the end), not consumed."""
        while True:
            while self.position < len(self.buffer) and self.buffer[self.position] in " \t\r\n":
                self.position += 1
            if self.position < len(self.buffer):
                return self.buffer[self.position]
            if not self.fill():
                return ""

    def items(self) -> Iterator[object]:
        if self.next_char() != "[":
            raise self.fail("not a JSON list (it should start with '[')")
        self.position += 1
        if self.next_char() == "]":
            return self.end()
        count = 0
        while True:
            if not self.next_char():
                raise self.fail(f"the JSON list ends early (after item {count})")
            count += 1
            yield self.decode(count)
            char = self.next_char()
            if char == ",":
                self.position += 1
            elif char == "]":
                return self.end()
            elif not char:
                raise self.fail(f"the JSON list ends early (after item {count})")
            else:
                raise self.fail(f"not well-formed JSON after item {count}")

    def end(self) -> None:
        self.position += 1  # the closing bracket
        if self.next_char():
            raise self.fail("unexpected data after the JSON list")

    def decode(self, number: int) -> object:
        while True:
            try:
                item, end = self.decoder.raw_decode(self.buffer, self.position)
            except json.JSONDecodeError as error:
                if len(self.buffer) - self.position > MAX_JSON_ITEM or not self.fill():
                    raise self.fail(
                        f"not well-formed JSON in item {number}: {error.msg}"
                    ) from error
                continue
            # A number or literal at the end of the buffer may go on in the next chunk.
            if end == len(self.buffer) and not isinstance(item, dict | list | str) and self.fill():
                continue
            self.position = end
            return item
