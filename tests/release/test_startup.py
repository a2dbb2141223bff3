"""The addresses `kiosk serve` names as it starts: ones a tablet can type in, never 0.0.0.0."""

from __future__ import annotations

import ipaddress

from kiosk.operations import startup


def test_bound_to_every_interface_it_names_each_address_of_the_machine():
    found = startup.urls("0.0.0.0", 5000, "http", ["192.168.1.20", "10.0.0.7"])  # noqa: S104
    assert found == ["http://127.0.0.1:5000/", "http://192.168.1.20:5000/",
                     "http://10.0.0.7:5000/"]  # fmt: skip


def test_bound_to_one_address_it_names_that_one():
    assert startup.urls("192.168.1.20", 8000, "https", ["10.0.0.7"]) == [
        "https://192.168.1.20:8000/"
    ]
    assert startup.urls("::1", 8000, "http", []) == ["http://[::1]:8000/"]


def test_the_machines_addresses_are_real_lan_addresses():
    for address in startup.lan_addresses():
        parsed = ipaddress.ip_address(address)
        assert parsed.version == 4 and not parsed.is_loopback and not parsed.is_unspecified
