"""`kiosk sync` and `kiosk purge`: sync from the command line."""

from __future__ import annotations

import random
import ssl
import time
from pathlib import Path
from typing import Any

import click

from kiosk import backup
from kiosk.cli.progress import Bars, took
from kiosk.cli.venue import Context, pass_ctx
from kiosk.db import WipeError, rewrite_database, transaction
from kiosk.printing.worker import badge_files
from kiosk.replication import conflicts, copies, quarantine, skew
from kiosk.replication import peering as replication
from sync import client, peers
from sync.protocol import DEFAULT_PAGE, MAX_PAGE
from sync.retry import delays
from sync.transport import HttpTransport, UntrustedPeer

ATTEMPTS = 6
PII = ("first_name", "last_name", "email", "company", "note", "block_note")


def _round_with_retries(
    db: Any, url: str, token: str, page: int, compare: bool = False
) -> client.Round:
    """One round, retried with jittered backoff on a flaky link; a pull shows its progress."""
    waits = delays(base=0.5, cap=30.0, rng=random.Random())
    for attempt in range(ATTEMPTS):
        try:
            with Bars({"pull": "Pulling operations"}) as bars:
                done = replication.run_once(db, url, token, page, compare, bars)
            if done.pulled:
                click.echo(f"Pulled {done.pulled:,} operations ({done.new:,} new) from {url}"
                           f" in {took(bars.seconds())}", err=True)  # fmt: skip
            return done
        except (ssl.SSLCertVerificationError, UntrustedPeer) as exc:  # retrying cannot help
            raise click.ClickException(
                f"{url} is not trusted ({exc}): set KIOSK_SYNC_CA_BUNDLE or KIOSK_SYNC_PIN"
                " as docs/tls.md explains"
            ) from None
        except (OSError, client.SyncError) as exc:
            if isinstance(exc, client.SyncError) and exc.status in (400, 401, 403, 404, 409):
                raise click.ClickException(f"{url} refused: {exc.message}") from None
            if attempt == ATTEMPTS - 1:
                raise click.ClickException(f"cannot sync with {url}: {exc}") from None
            time.sleep(next(waits))
    raise AssertionError("unreachable")


def _print_round(db: Any, url: str, done: client.Round) -> None:
    if done.reset:
        click.echo(f"Started over with the peer: {done.reset}", err=True)
    click.echo(f"pushed {done.pushed} new ({done.duplicates} already there),"
               f" pulled {done.new} new of {done.pulled}")  # fmt: skip
    if done.refused:
        click.echo(f"The peer lacks {done.refused} operations of other machines but refuses them"
                   " from this one: the peer must name this machine in its SYNC_RELAYS.",
                   err=True)  # fmt: skip
    offset = peers.load(db, url).clock_offset_ms
    if offset is not None and skew.wrong(offset):
        hours, minutes, ahead = skew.describe(offset)
        click.echo(f"WARNING: this machine's clock is {hours} h {minutes} min"
                   f" {'ahead of' if ahead else 'behind'} the clock of {url}. Set it right (NTP):"
                   " until then check-ins count on head office's time.", err=True)  # fmt: skip
    for held in quarantine.held(db):
        click.echo(f"set aside: op {held.op_id} ({held.kind} {held.entity} from {held.origin})"
                   f" could not be applied here: {held.reason}", err=True)  # fmt: skip
    if twice := copies.count(db):
        click.echo(f"{twice} operations were recorded twice, differently, at two machines: every"
                   " node keeps the same copy (see /review)", err=True)  # fmt: skip


def _report(db: Any, url: str, missing: list[str]) -> None:
    """Per origin: ops held here and confirmed at the peer; per peer: contact; flags."""
    gone = set(missing)
    click.echo(f"{'origin':<32} {'ops here':>9} {'at peer':>9}")
    for origin, ids in _ids_by_origin(db).items():
        click.echo(f"{origin:<32} {len(ids):>9} {len(ids) - len(gone & ids):>9}")
    for p in peers.all_peers(db):
        click.echo(f"peer {p.url} ({p.node_id}): sent and acknowledged {p.sent},"
                   f" received {p.received}, last contact {p.last_contact_at}")  # fmt: skip
    found = conflicts.flags(db, include_resolved=True)
    open_ = sum(f.resolution is None for f in found)
    click.echo(f"review flags: {open_} open, {len(found) - open_} resolved")
    click.echo(f"operations set aside (held, but not applied here): {quarantine.count(db)}")
    click.echo(f"operations recorded twice, differently, at two machines: {copies.count(db)}")


def _ids_by_origin(db: Any) -> dict[str, set[str]]:
    grouped: dict[str, set[str]] = {}
    for origin, op_id in db.execute("SELECT origin, op_id FROM op ORDER BY origin"):
        grouped.setdefault(origin, set()).add(op_id)
    return grouped


@click.command("sync")
@click.option("--peer", envvar="KIOSK_SYNC_PEER", required=True, help="URL of the other node.")
@click.option("--token", envvar="KIOSK_SYNC_TOKEN", required=True,
              help="Sync token the peer issued for this machine.")  # fmt: skip
@click.option("--once", "mode", flag_value="once", help="One push and pull, then exit.")
@click.option("--final", "mode", flag_value="final", help="Sync, then prove the peer holds it all.")
@click.option("--page", default=DEFAULT_PAGE, type=click.IntRange(1, MAX_PAGE), show_default=True)
@click.option("--interval", default=15.0, type=float, show_default=True)
@pass_ctx
def sync_command(ctx: Context, peer: str, token: str, mode: str | None, page: int,
                 interval: float) -> None:  # fmt: skip
    """Sync with head office or another node (repeatedly unless --once or --final)."""
    db = ctx.db()
    if mode is None:
        click.echo(f"Syncing with {peer} every {interval:.0f} s (Ctrl+C stops)", err=True)
        while True:
            _print_round(db, peer, _round_with_retries(db, peer, token, page))
            time.sleep(interval)
    _print_round(db, peer, _round_with_retries(db, peer, token, page, compare=mode == "final"))
    if mode == "final":
        _final(db, peer, token)


def _final(db: Any, url: str, token: str) -> None:
    """Proves by count and digest of op ids that the peer holds every op held here, and that
    this node holds every op the peer holds."""
    try:
        found = replication.final(db, url, HttpTransport(url, token))
    except (OSError, client.SyncError) as exc:
        raise click.ClickException(f"cannot verify with {url}: {exc}") from None
    _report(db, url, found.missing)
    click.echo(f"here: {found.count} ops, digest {found.mine};"
               f" peer holds {found.held} of them, digest {found.theirs}")  # fmt: skip
    click.echo(f"peer: {found.peer_count} ops, digest {found.peer_digest};"
               f" here are {found.held} of them, digest {found.theirs}")  # fmt: skip
    if not found.peer_has_ours:
        raise click.ClickException(f"the peer lacks {found.count - found.held} ops: run sync again")
    if not found.we_have_theirs:
        raise click.ClickException(f"this machine lacks {found.peer_count - found.held} of the"
                                   " peer's ops: run sync again")  # fmt: skip
    if not found.same_copies:
        raise click.ClickException("the peer holds other copies of some operations than this"
                                   " machine: run sync again")  # fmt: skip
    click.echo("Proven: the peer holds every operation of this node, and this node every"
               " operation of the peer.")  # fmt: skip
    if not found.headoffice:
        click.echo(f"{url} is not head office: kiosk purge waits for kiosk sync --final"
                   " with head office.", err=True)  # fmt: skip


@click.command()
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_ctx
def purge(ctx: Context, yes: bool) -> None:
    """After the event: remove attendees' personal data; refuses until head office holds it all."""
    db = ctx.db()
    known, lacks, total = replication.headoffice_lacks(db)
    if known is None:
        raise click.ClickException(
            f"head office has not confirmed any of this machine's {total} operations (another"
            " venue holding them does not count): run kiosk sync --final --peer HEAD-OFFICE-URL"
        )
    if lacks:
        raise click.ClickException(
            f"head office {known[1]} lacks {lacks} of this machine's {total} operations, or has"
            f" not confirmed them: run kiosk sync --final --peer {known[0]}"
        )
    if not yes:
        click.confirm("Remove every attendee's personal data from this machine?", abort=True)
    badges = badge_files(db)
    db.execute("PRAGMA secure_delete=ON")  # what the purge frees is overwritten with zeros
    with transaction(db):
        replication.purge_personal_data(db, PII)
    try:
        rewrite_database(db, ctx.db_path)
    except WipeError as exc:
        raise click.ClickException(str(exc)) from None
    for path in [*badges, backup.aside_path(ctx.db_path)]:
        path.unlink(missing_ok=True)
    click.echo(f"Personal data removed from this machine ({len(badges)} badge files deleted);"
               " sync is now off for this database.")  # fmt: skip
    if (copy := backup.last_backup(ctx.db_path)) and Path(copy).exists():
        click.echo(f"The backup {copy} still holds personal data: delete it too.", err=True)
