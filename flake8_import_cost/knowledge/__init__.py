"""Data the rules consult: costs, replacements and estimates, each with its source.

Nothing here imports anything: every table is a literal, cheap to load.
"""
