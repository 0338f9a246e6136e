"""Errors an export can end with; each message is meant for the user."""


class ExportError(ValueError):
    """A request that cannot be exported (unknown set, indicator, village...)."""


class ListChanged(ExportError):
    """The data changed while a list was being written: its rows no longer match its total."""
