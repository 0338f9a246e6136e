"""Whole-database backup and restore in a portable file (docs/backup.md)."""
