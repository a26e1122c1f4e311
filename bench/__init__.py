"""`make bench`: the performance figures of the performance issue, measured on this machine (see run.py)."""
