"""Pastoral's database backends (docs/scale-out.md)."""
