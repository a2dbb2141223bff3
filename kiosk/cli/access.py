"""`kiosk token` and `kiosk staff`: who may use this venue's database, and signing them out."""

from __future__ import annotations

import sqlite3

import click

from kiosk import auth, staff_sessions
from kiosk.cli.venue import Context, pass_ctx
from kiosk.leads import sponsors


@click.group()
def token() -> None:
    """Bearer tokens for devices and scripts."""


@token.command("create")
@click.option("--role", required=True, type=click.Choice(auth.ROLES))
@click.option("--name", required=True, help="The device or script it is for.")
@click.option("--sponsor", default="", help="An exhibitor token's sponsor (kiosk sponsor add).")
@pass_ctx
def token_create(ctx: Context, role: str, name: str, sponsor: str) -> None:
    """Print a new token (shown once; only its hash is kept)."""
    db = ctx.db()
    found = sponsors.get(db, sponsor) if sponsor else None
    if sponsor and found is None:
        raise click.ClickException(
            f"no sponsor is named {sponsor!r}: add it first with kiosk sponsor add {sponsor!r}"
        )
    try:
        click.echo(auth.create_token(db, role, name, found.sponsor_id if found else ""))
    except auth.AuthError as exc:
        raise click.ClickException(str(exc)) from None


@token.command("list")
@pass_ctx
def token_list(ctx: Context) -> None:
    """List tokens (never the secrets)."""
    for row in ctx.db().execute("SELECT * FROM api_token ORDER BY token_id"):
        state = f"revoked {row['revoked_at']}" if row["revoked_at"] else "active"
        sponsor = f"  sponsor {row['sponsor']}" if row["sponsor"] else ""
        click.echo(f"{row['token_id']:4}  {row['role']:11}  {row['name']}{sponsor}  ({state})")


@token.command("revoke")
@click.argument("token_id", type=int)
@pass_ctx
def token_revoke(ctx: Context, token_id: int) -> None:
    """Stop a token from working."""
    if not auth.revoke_token(ctx.db(), token_id):
        raise click.ClickException(f"no active token {token_id}")
    click.echo(f"Token {token_id} revoked")


@click.group()
def staff() -> None:
    """Staff accounts for the desk screens."""


@staff.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(auth.STAFF_ROLES), default="desk", show_default=True)
@click.option("--pin", prompt=True, hide_input=True, confirmation_prompt=True,
              help="4 to 12 digits.")  # fmt: skip
@pass_ctx
def staff_add(ctx: Context, name: str, role: str, pin: str) -> None:
    """Create a staff member, or change their role or PIN."""
    try:
        auth.add_staff(ctx.db(), name, role, pin)
    except auth.AuthError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{name} can sign in as {role}")


def _staff_db(ctx: Context, name: str) -> sqlite3.Connection:
    """The database, once it is known to hold this staff member (else a clear error)."""
    db = ctx.db()
    if auth.staff_id_of(db, name) is None:
        raise click.ClickException(f"no staff member {name!r}")
    return db


@staff.command("signout")
@click.argument("name")
@pass_ctx
def staff_signout(ctx: Context, name: str) -> None:
    """Sign a staff member out on every device (a lost tablet, a PIN seen by others)."""
    count = staff_sessions.end_sessions(_staff_db(ctx, name), name)
    click.echo(f"{name} signed out on {count} device{'' if count == 1 else 's'}")


@staff.command("unlock")
@click.argument("name")
@pass_ctx
def staff_unlock(ctx: Context, name: str) -> None:
    """Let a staff member try their PIN again at once, after wrong PINs."""
    auth.unlock(_staff_db(ctx, name), name)
    click.echo(f"{name} may try their PIN again on every device")
