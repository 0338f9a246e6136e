"""What a person can submit and how it is checked: page forms, JSON schemas, import columns."""
