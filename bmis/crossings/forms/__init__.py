"""The forms of the counter, the post's records and the stay rules, one module each."""
