"""Help given to people (VNeID, accounts...) and digital-skills training classes."""
