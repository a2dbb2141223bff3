"""Running Kiosk as a service: its config file, systemd's notify protocol, and `kiosk doctor`."""
