"""Door plates: a QR code on each household's door that opens its page (docs/plates.md)."""
