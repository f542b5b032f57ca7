"""Commands and snapshots to bytes and back, and the checksum that guards each stored record.

A command is JSON of its plain data plus a type tag: `{"type": "PlaceOrder", "uid": 1, ...}`
(Decimals as exact strings, enums as their values; `RestoreState` carries the engine's snapshot
as it is). Being stored by field name, a command written before a field with a default was added
decodes with that default; a field this version does not know (the journal of a newer version) is a
`CodecError` rather than silently dropped, since replaying without it would diverge. A snapshot is
the engine's plain data as compressed JSON.
"""
from __future__ import annotations

import json
import typing
import zlib
from typing import Any

import orjson

from quintex.core.commands import Command

from .byname import record_codec

COMMAND_TYPES: dict[str, Any] = {cls.__name__: cls for cls in typing.get_args(Command)}
_ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
_STDLIB_DECODE = json.JSONDecoder().decode

_ENCODERS = {cls: record_codec(cls)[0] for cls in COMMAND_TYPES.values()}
_DECODERS = {name: record_codec(cls)[1] for name, cls in COMMAND_TYPES.items()}


def _decode_json(payload: bytes) -> Any:
    """orjson (3-5x the stdlib); the stdlib for what orjson refuses but the stdlib wrote (integers past 64
    bits), so every stored record stays readable."""
    try:
        return orjson.loads(payload)
    except orjson.JSONDecodeError:
        return _STDLIB_DECODE(payload.decode())


class CodecError(ValueError):
    """Bytes that are not a record this version can read."""


def encode_command(cmd: Command) -> bytes:
    return _ENCODE({"type": type(cmd).__name__, **_ENCODERS[type(cmd)](cmd)}).encode()


def decode_command(payload: bytes) -> Command:
    try:
        data = _decode_json(payload)
        return _DECODERS[data.pop("type")](data)  # type: ignore[no-any-return]
    except (ValueError, KeyError, TypeError, AttributeError, ArithmeticError) as exc:
        raise CodecError(f"not a command: {exc}") from None


def record_crc(seq: int, ts: int, payload: bytes) -> int:
    """CRC-32 over a journal record's seq, ts and payload, as the bytes `seq:ts:payload` (one call of crc32)."""
    return zlib.crc32(b"%d:%d:%b" % (seq, ts, payload))


def encode_snapshot(data: dict[str, Any]) -> bytes:
    return zlib.compress(_ENCODE(data).encode(), 1)


def decode_snapshot(blob: bytes) -> dict[str, Any]:
    try:
        data = _decode_json(zlib.decompress(blob))
    except (ValueError, zlib.error) as exc:
        raise CodecError(f"not a snapshot: {exc}") from None
    if not isinstance(data, dict):
        raise CodecError("not a snapshot: not an object")
    return data


def blob_crc(blob: bytes) -> int:
    return zlib.crc32(blob)
