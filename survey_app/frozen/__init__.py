"""Chốt số liệu: frozen reports whose figures and documents can be produced again, unchanged."""
