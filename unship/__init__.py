"""unship: the order book that never forgets what you can still do about an order."""

__version__ = "0.1.0"
