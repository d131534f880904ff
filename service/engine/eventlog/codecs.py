"""Decompress event logs the way Spark wrote them, as streams (nothing is read whole).

Spark names a compressed event log after its codec's short name (``.lz4``, ``.lzf``,
``.snappy``, ``.zstd``) and each codec uses its Java library's own stream framing, not the
command-line tools' formats:

- lz4: lz4-java ``LZ4BlockOutputStream``: blocks of ``"LZ4Block"``, a token (method 0x10 raw
  or 0x20 lz4), compressed and original length and an xxhash32 (little-endian int32s), then
  the lz4 block; an empty block ends a stream.
- snappy: snappy-java ``SnappyOutputStream``: ``"\\x82SNAPPY\\x00"``, version and compatible
  version (big-endian int32s), then chunks of a big-endian int32 length and raw snappy data.
- lzf: compress-lzf ``LZFOutputStream``: chunks of ``"ZV"``, a type (0 stored, 1 compressed),
  big-endian uint16 lengths, then the data.
- zstd: standard zstd frames (zstd-jni). gzip is not a Spark codec but a common way to ship
  a log, so it is accepted too.
"""

from __future__ import annotations

import gzip
import io
import struct
from collections.abc import Callable, Iterator
from typing import BinaryIO, cast

import cramjam
import lz4.block
import zstandard

LZ4_MAGIC = b"LZ4Block"
SNAPPY_MAGIC = b"\x82SNAPPY\x00"
LZF_MAGIC = b"ZV"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
GZIP_MAGIC = b"\x1f\x8b"
SUFFIXES = {".lz4": "lz4", ".lzf": "lzf", ".snappy": "snappy", ".zstd": "zstd", ".zst": "zstd"}
SUFFIXES |= {".gz": "gzip", ".gzip": "gzip"}
CHUNK = 1 << 20
# Compressed bytes fed to zstd at once: its output for them arrives in one piece. The feed
# starts at ZSTD_MIN_INPUT and doubles while the output stays small; past ZSTD_OUTPUT it
# shrinks again, so a frame that expands ten-thousandfold (a bomb) comes out in pieces of a
# few megabytes.
ZSTD_INPUT = 64 << 10
ZSTD_MIN_INPUT = 256
ZSTD_OUTPUT = 8 << 20


class CodecError(ValueError):
    """Compressed data that does not decode; ``truncated`` when it simply stops early."""

    def __init__(self, message: str, truncated: bool = False) -> None:
        super().__init__(message)
        self.truncated = truncated


def detect_codec(head: bytes, name: str = "") -> str:
    """The codec of a stream from its first bytes; the file name decides only for plain text."""
    for magic, codec in (
        (GZIP_MAGIC, "gzip"),
        (ZSTD_MAGIC, "zstd"),
        (LZ4_MAGIC, "lz4"),
        (SNAPPY_MAGIC, "snappy"),
        (LZF_MAGIC, "lzf"),
    ):
        if head.startswith(magic):
            return codec
    suffix = _suffix(name)
    if suffix in SUFFIXES and head and not head.lstrip().startswith(b"{"):
        return SUFFIXES[suffix]
    return "plain"


def _suffix(name: str) -> str:
    base = name.removesuffix(".inprogress")
    dot = base.rfind(".")
    return base[dot:].lower() if dot > base.rfind("/") and dot >= 0 else ""


def open_decompressed(raw: BinaryIO, name: str = "") -> tuple[str, BinaryIO]:
    """``(codec, stream of the decompressed bytes)`` for a binary stream of an event log."""
    if isinstance(raw, io.BufferedReader):
        buffered = raw
    else:  # e.g. an upload's spooled temporary file
        buffered = io.BufferedReader(cast(io.RawIOBase, raw), CHUNK)
    codec = detect_codec(buffered.peek(16)[:16], name)
    if codec == "plain":
        return codec, buffered
    if codec == "gzip":
        return codec, gzip.GzipFile(fileobj=buffered, mode="rb")  # type: ignore[return-value]
    blocks = {
        "zstd": _zstd_blocks,
        "lz4": _lz4_blocks,
        "snappy": _snappy_blocks,
        "lzf": _lzf_blocks,
    }[codec]
    return codec, io.BufferedReader(_BlockStream(blocks(buffered)), CHUNK)


class _BlockStream(io.RawIOBase):
    """A readable stream over an iterator of decompressed blocks."""

    def __init__(self, blocks: Iterator[bytes]) -> None:
        self._blocks = blocks
        # The current block and how far it was read: a block can decompress to hundreds of
        # megabytes, and cutting the rest off it at every read would copy it again each time.
        self._pending = memoryview(b"")
        self._offset = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while self._offset >= len(self._pending):
            block = next(self._blocks, None)
            if block is None:
                return 0
            self._pending, self._offset = memoryview(block), 0
        size = min(len(buffer), len(self._pending) - self._offset)
        buffer[:size] = self._pending[self._offset : self._offset + size]
        self._offset += size
        return size


def _exactly(raw: BinaryIO, size: int, what: str) -> bytes:
    data = raw.read(size)
    if len(data) != size:
        raise CodecError(f"{what}: stream ends inside a block", truncated=True)
    return data


def _zstd_blocks(raw: BinaryIO) -> Iterator[bytes]:
    """Frames one after another (zstd-jni may end one and start another on flush)."""
    context = zstandard.ZstdDecompressor()
    frame, fed, feed = context.decompressobj(), False, ZSTD_MIN_INPUT
    while chunk := raw.read(ZSTD_INPUT):
        while chunk:
            fed = True
            piece, chunk = chunk[:feed], chunk[feed:]
            out = _decode("zstd", frame.decompress, piece)
            if len(out) > ZSTD_OUTPUT:
                feed = max(ZSTD_MIN_INPUT, feed * ZSTD_OUTPUT // len(out))
            elif len(out) < ZSTD_OUTPUT // 8:
                feed = min(ZSTD_INPUT, feed * 2)
            yield out
            if frame.eof:
                chunk, frame, fed = frame.unused_data + chunk, context.decompressobj(), False
    if fed and not frame.eof:
        raise CodecError("zstd: stream ends inside a frame", truncated=True)


def _lz4_blocks(raw: BinaryIO) -> Iterator[bytes]:
    while True:
        magic = raw.read(8)
        if not magic:
            return
        if magic != LZ4_MAGIC:
            raise CodecError("lz4: a block does not start with LZ4Block", len(magic) < 8)
        token, compressed, original, _checksum = struct.unpack("<BiiI", _exactly(raw, 13, "lz4"))
        if original == 0:
            continue  # end of one stream; another may follow
        data = _exactly(raw, compressed, "lz4")
        method = token & 0xF0
        if method == 0x10:
            yield data
        elif method == 0x20:
            yield _decode("lz4", lz4.block.decompress, data, original)
        else:
            raise CodecError(f"lz4: unknown compression method {method:#x}")


def _snappy_blocks(raw: BinaryIO) -> Iterator[bytes]:
    while True:
        head = raw.read(4)
        if not head:
            return
        if head == SNAPPY_MAGIC[:4]:
            _exactly(raw, 12, "snappy")  # the rest of the magic, version, compatible version
            continue
        if len(head) < 4:
            raise CodecError("snappy: stream ends inside a chunk length", truncated=True)
        (length,) = struct.unpack(">i", head)
        if length < 0:
            raise CodecError(f"snappy: negative chunk length {length}")
        data = _exactly(raw, length, "snappy")
        yield _decode("snappy", _snappy_raw, data)


def _lzf_blocks(raw: BinaryIO) -> Iterator[bytes]:
    while True:
        head = raw.read(3)
        if not head:
            return
        if len(head) < 3 or head[:2] != LZF_MAGIC:
            raise CodecError("lzf: a chunk does not start with ZV", len(head) < 3)
        if head[2] == 0:
            (length,) = struct.unpack(">H", _exactly(raw, 2, "lzf"))
            yield _exactly(raw, length, "lzf")
        elif head[2] == 1:
            compressed, original = struct.unpack(">HH", _exactly(raw, 4, "lzf"))
            data = _exactly(raw, compressed, "lzf")
            yield _decode("lzf", lzf_decompress, data, original)
        else:
            raise CodecError(f"lzf: unknown chunk type {head[2]}")


def _decode(codec: str, decode: Callable[..., bytes], *args: object) -> bytes:
    try:
        return decode(*args)
    except CodecError:
        raise
    except Exception as exc:  # each library has its own error class
        raise CodecError(f"{codec}: corrupt block ({exc})") from exc


def _snappy_raw(data: bytes) -> bytes:
    return bytes(cramjam.snappy.decompress_raw(data))


def lzf_decompress(data: bytes, original: int) -> bytes:
    """Decode one LZF block (liblzf's format: literal runs and back references)."""
    out = bytearray()
    pos, end = 0, len(data)
    while pos < end:
        ctrl = data[pos]
        pos += 1
        if ctrl < 32:  # a run of ctrl + 1 literal bytes
            out += data[pos : pos + ctrl + 1]
            pos += ctrl + 1
            continue
        length = ctrl >> 5
        if length == 7:
            length += data[pos]
            pos += 1
        start = len(out) - ((ctrl & 0x1F) << 8) - data[pos] - 1
        pos += 1
        length += 2
        if start < 0:
            raise CodecError("lzf: back reference before the start of the block")
        distance = len(out) - start
        if distance >= length:
            out += out[start : start + length]
        else:  # overlapping copy: the reference repeats its own output
            pattern = out[start:]
            out += (pattern * (length // distance + 1))[:length]
    if len(out) != original:
        raise CodecError(f"lzf: block decodes to {len(out)} bytes, header says {original}")
    return bytes(out)
