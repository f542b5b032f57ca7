"""Price-time priority order books and matching (sizes and prices only, never money)."""
from .book import OrderBook
from .level import Level
from .match import crossing, fillable, take
from .side import BookSide

__all__ = ["BookSide", "Level", "OrderBook", "crossing", "fillable", "take"]
