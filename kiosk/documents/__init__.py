"""Printable documents Kiosk writes for people: day logs and reports as PDF."""
