"""The Textual face of unship."""
