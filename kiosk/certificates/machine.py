"""The names and addresses by which tablets reach this machine: what its certificate must name."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass


@dataclass(frozen=True)
class Names:
    """DNS names and IP addresses a server certificate covers, each sorted."""

    dns: tuple[str, ...]
    ips: tuple[str, ...]

    @classmethod
    def of(cls, dns: list[str] | set[str], ips: list[str] | set[str]) -> Names:
        """Normalised: lower-case names, canonical addresses, no repeats."""
        return cls(tuple(sorted({d.lower() for d in dns})),
                   tuple(sorted({str(ipaddress.ip_address(a)) for a in ips})))  # fmt: skip

    def describe(self) -> str:
        """One line for people: every name and address."""
        return ", ".join((*self.dns, *self.ips))


def hostname() -> str:
    """This machine's host name, lower case."""
    return socket.gethostname().lower()


def machine_addresses() -> list[str]:
    """This machine's IP addresses that tablets may use: loopback and the LAN ones."""
    found = {"127.0.0.1"}
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.add(str(info[4][0]))
    except OSError:
        pass
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:  # no packet is sent: this only asks which address routes outwards
            probe.connect(("10.255.255.255", 1))
            found.add(probe.getsockname()[0])
        except OSError:
            pass
    return sorted(found)


def current() -> Names:
    """What the certificate should name now: host name, name.local, localhost and the IPs."""
    host = hostname()
    return Names.of({host, f"{host}.local", "localhost"}, machine_addresses())
