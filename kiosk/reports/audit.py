"""The report's audit sections: badges printed and reprinted, and whether sync is complete."""

from __future__ import annotations

from kiosk.documents.pdf import Section
from kiosk.replication import peering
from kiosk.reports.facts import Facts
from sync import peers

_PRINTS = (
    "SELECT coalesce(json_extract(payload, '$.reason'), ''), sum(json_extract(payload, '$.reprint')"
    " = 0), sum(json_extract(payload, '$.reprint') != 0), count(*) FROM op"
    " WHERE kind = 'badge_printed' GROUP BY 1 ORDER BY 4 DESC"
)


def printing(f: Facts) -> Section:
    """Badges printed, first prints and reprints, by reason (from the badge_printed ops)."""
    _ = f._
    rows = [
        [reason or "—", first, again, total]
        for reason, first, again, total in f.db.execute(_PRINTS)
    ]
    total = sum(r[3] for r in rows)
    reprints = sum(r[2] for r in rows)
    return Section(_("Badge prints and reprints"),
                   [_("%(n)d badges printed, %(r)d of them reprints.", n=total, r=reprints)],
                   [_("Reason"), _("First prints"), _("Reprints"), _("All")], rows)  # fmt: skip


def sync(f: Facts) -> Section:
    """Every machine's ops held here, and each peer's proof that it holds all of ours."""
    _ = f._
    known, unproven, total = peering.headoffice_lacks(f.db)
    if known is None:
        verdict = _(
            "Head office never confirmed this machine's operations: run kiosk sync --final."
        )
    elif unproven:
        verdict = _(
            "%(n)d of %(total)d operations are not yet proven held by head office:"
            " run kiosk sync --final.",
            n=unproven,
            total=total,
        )
    else:
        verdict = _(
            "Proven complete: head office holds all %(total)d operations of this machine.",
            total=total,
        )
    origins = f.db.execute(
        "SELECT origin, count(*), max(hlc) FROM op GROUP BY origin ORDER BY origin"
    )
    rows = [[origin, n, _("held here")] for origin, n, _hlc in origins]
    for p in peers.all_peers(f.db):
        last = p.last_success_at or "—"
        standing = (_("proven complete %(at)s", at=p.verified_at) if p.verified_at
                    else _("not proven; last sync %(at)s", at=last))  # fmt: skip
        rows.append([f"{p.node_id or '?'} ({p.url})", "", standing])
    return Section(_("Sync audit"), [verdict],
                   [_("Machine"), _("Operations"), _("Standing")], rows)  # fmt: skip
