"""Badge printing: badge data, the print queue, the worker, printer setup.

Drivers and layout live in the top-level `printers` package, which never imports kiosk.
"""
