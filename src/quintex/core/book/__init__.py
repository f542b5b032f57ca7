"""Price-time priority order books."""
from .book import OrderBook
from .level import Level
from .side import BookSide

__all__ = ["BookSide", "Level", "OrderBook"]
