"""Rooms and sessions: the schedule, its import, room moves and door scans.

Room rules are plain functions; the schedule's ops fold into its own tables.
"""
