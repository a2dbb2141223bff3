"""HTTPS on the venue LAN: the machine's certificate authority and the server certificate it signs.

A tablet trusts the authority once (`kiosk tls ca FILE`); the server certificate is re-issued
whenever the machine's names or addresses change, and the tablet keeps trusting it.
"""
