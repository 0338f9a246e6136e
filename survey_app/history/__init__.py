"""Append-only history of households, people and villages (docs/history.md)."""
