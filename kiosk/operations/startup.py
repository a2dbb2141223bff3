"""The lines `kiosk serve` logs as it starts: version, database, and the URLs that reach it.

Bound to 0.0.0.0, a server is reached at each of the machine's own addresses, never at
0.0.0.0; the lines name those, so staff can type one into a tablet.
"""

from __future__ import annotations

import fcntl
import logging
import socket
import struct

from kiosk.version import kiosk_version

log = logging.getLogger("kiosk.serve")
ANY = ("0.0.0.0", "", "::")  # noqa: S104 - the addresses that mean "every interface"
_SIOCGIFADDR = 0x8915  # Linux: an interface's IPv4 address


def urls(host: str, port: int, scheme: str, addresses: list[str]) -> list[str]:
    """Where clients reach a server bound to `host`; `addresses` are the machine's own."""
    if host not in ANY:
        shown = f"[{host}]" if ":" in host else host
        return [f"{scheme}://{shown}:{port}/"]
    return [f"{scheme}://{a}:{port}/" for a in ["127.0.0.1", *addresses] if a]


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback, one per interface that has one."""
    found = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for _index, name in socket.if_nameindex():
            try:
                answer = fcntl.ioctl(probe.fileno(), _SIOCGIFADDR,
                                     struct.pack("256s", name[:15].encode()))  # fmt: skip
            except OSError:  # an interface without an IPv4 address, or one that is down
                continue
            address = socket.inet_ntoa(answer[20:24])
            if not address.startswith("127.") and address not in found:
                found.append(address)
    return found


def announce(label: str, db_path: str, host: str, port: int, scheme: str) -> None:
    """Logs what is served and every URL that reaches it."""
    log.info("%s %s serving %s (Ctrl+C stops)", label, kiosk_version(), db_path)
    for url in urls(host, port, scheme, lan_addresses() if host in ANY else []):
        log.info("open %s", url, extra={"fields": {"url": url}})
