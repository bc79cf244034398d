"""Afterword's benchmark: the app at a job seeker's scale, measured against its bare stack.

``python -m bench.run`` generates the records, measures every figure and prints the table;
``--quick`` does the same on tiny data, only to prove the benchmark still works.
"""
