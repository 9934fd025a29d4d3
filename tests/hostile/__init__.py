"""Hostile recordings: nothing a recording holds may crash, hang or fool castview (issue 11)."""
