"""Tests of running Kiosk as a service: config file, notify protocol, doctor, certificates."""
