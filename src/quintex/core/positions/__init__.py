"""Positions: what derivative fills open, change and close (products move them; lifecycle settles them)."""
from __future__ import annotations

from .position import Position, PositionKey
from .positions import Positions, move_margin

__all__ = ["Position", "PositionKey", "Positions", "move_margin"]
