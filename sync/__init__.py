"""Moves operations between nodes: clocks, the operation log, and the sync protocol.

Knows nothing of Flask or of the domain: the domain hands it an apply callback.
"""
