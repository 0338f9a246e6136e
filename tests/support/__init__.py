"""Shared test helpers: the apps of a run, rolled-back sessions, emptying tables, skips."""
