"""The order book: model, lifecycle, policies, advice and persistence. No Textual here."""
