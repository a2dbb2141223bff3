"""The demo event: believable attendees, rooms, sessions and texts.

Deterministic from a seed, for `kiosk demo`, the benchmarks and the tests.
"""
