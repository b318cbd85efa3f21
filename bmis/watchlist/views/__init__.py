"""The views of the alert lists (lists.py) and of the hits they raise (hits.py)."""
