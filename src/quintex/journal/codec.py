"""Commands and snapshots to bytes and back, and the checksum that guards each stored record.

A command is JSON of its plain data plus a type tag: `{"type": "PlaceOrder", "uid": 1, ...}`
(Decimals as exact strings, enums as their values; `RestoreState` carries the engine's snapshot
as it is). A snapshot is the engine's plain data as compressed JSON.
"""
from __future__ import annotations

import json
import typing
import zlib
from typing import Any

from quintex.core.commands import Command
from quintex.core.plain import field_codecs, from_plain, to_plain

COMMAND_TYPES: dict[str, type[Any]] = {cls.__name__: cls for cls in typing.get_args(Command)}
_ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
_DECODE = json.JSONDecoder().decode

for _cls in COMMAND_TYPES.values():
    field_codecs(_cls)


class CodecError(ValueError):
    """Bytes that are not a record this version can read."""


def encode_command(cmd: Command) -> bytes:
    return _ENCODE({"type": type(cmd).__name__, **to_plain(cmd)}).encode()


def decode_command(payload: bytes) -> Command:
    try:
        data = _DECODE(payload.decode())
        cls = COMMAND_TYPES[data.pop("type")]
        return from_plain(cls, data)  # type: ignore[no-any-return]
    except (ValueError, KeyError, TypeError, ArithmeticError) as exc:
        raise CodecError(f"not a command: {exc}") from None


def record_crc(seq: int, ts: int, payload: bytes) -> int:
    """CRC-32 over a journal record's seq, ts and payload."""
    return zlib.crc32(payload, zlib.crc32(b"%d:%d:" % (seq, ts)))


def encode_snapshot(data: dict[str, Any]) -> bytes:
    return zlib.compress(_ENCODE(data).encode(), 1)


def decode_snapshot(blob: bytes) -> dict[str, Any]:
    try:
        data = _DECODE(zlib.decompress(blob).decode())
    except (ValueError, zlib.error) as exc:
        raise CodecError(f"not a snapshot: {exc}") from None
    if not isinstance(data, dict):
        raise CodecError("not a snapshot: not an object")
    return data


def blob_crc(blob: bytes) -> int:
    return zlib.crc32(blob)
