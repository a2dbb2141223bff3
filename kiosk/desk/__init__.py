"""The check-in desk: attendees, their import, check-in rules, search, text folding.

Also the event's settings, scan messages, reports and the self-service rules.
"""
