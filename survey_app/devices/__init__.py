"""Signed-in devices: one server-side session row per sign-in, and one-time sign-in QR codes."""
