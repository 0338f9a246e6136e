"""Exports area: the export-evidence command, the download pages and their background jobs."""
