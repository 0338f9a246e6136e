"""The audit log page: officers read (never edit) who did what in their commune."""
