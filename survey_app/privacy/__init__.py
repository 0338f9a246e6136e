"""Personal data: the policy page, one person's data on request, consent counts, anonymising."""
