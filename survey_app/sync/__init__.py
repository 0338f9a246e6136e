"""Offline sync for phones: pull households changed since a cursor, push queued changes."""
