"""The web screens and the HTTP API: one blueprint per module.

Views call the domain packages; they hold no rules of their own.
"""
