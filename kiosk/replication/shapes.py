"""Payload shapes: what each op kind's payload may hold, checked before any op is accepted.

The package that applies a kind declares its shape beside its applier (`fold.register`), and
the fold checks every op against it — recorded here, pushed or pulled — so no state table is
ever handed a value its screens, signage or API cannot show. Keys a shape does not name are
kept and ignored, so a newer version's extra keys still travel; the keys it names must fit.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.replication.ids import valid_attendee_id

# A value's check: None when it fits, else what it must be ("must be ...") or, for a value
# inside it, that value's path and fault ("capacity must be ...").
Check = Callable[[object], str | None]
Shape = dict[str, Check]
TEXT = 1000  # characters in one text value: far above any form or import limit


def text(limit: int = TEXT) -> Check:
    """A string of at most `limit` characters."""

    def check(value: object) -> str | None:
        if isinstance(value, str) and len(value) <= limit:
            return None
        return f"must be text of at most {limit} characters"

    return check


def whole(least: int, most: int) -> Check:
    """A whole number from `least` to `most` (true and false are not numbers)."""

    def check(value: object) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool) and least <= value <= most:
            return None
        return f"must be a whole number from {least} to {most}"

    return check


def flag() -> Check:
    """true or false."""

    def check(value: object) -> str | None:
        return None if isinstance(value, bool) else "must be true or false"

    return check


def attendee_ids(limit: int) -> Check:
    """A list of at most `limit` attendee ids."""

    def check(value: object) -> str | None:
        if isinstance(value, list) and len(value) <= limit and all(map(valid_attendee_id, value)):
            return None
        return f"must be a list of at most {limit} attendee ids"

    return check


def mapping(shape: Shape) -> Check:
    """An object whose keys named in `shape` fit their checks."""

    def check(value: object) -> str | None:
        if not isinstance(value, dict):
            return "must be an object"
        for key, inner in shape.items():
            if key in value and (fault := inner(value[key])) is not None:
                return f"{key} {fault}" if fault.startswith("must") else f"{key}.{fault}"
        return None

    return check


def texts(limit: int = TEXT) -> Check:
    """An object whose every value is a string (an editor's `seen` stamps)."""
    one = text(limit)

    def check(value: object) -> str | None:
        if not isinstance(value, dict):
            return "must be an object"
        for key, inner in value.items():
            if one(inner) is not None:
                return f"{key[:40]} must be text of at most {limit} characters"
        return None

    return check


def edit(fields: Shape, **extra: Check) -> Shape:
    """The shape of a last-writer-wins edit: its fields, what its editor saw, who and why."""
    return {"fields": mapping(fields), "seen": texts(), "source": text(), "staff": text(),
            **extra}  # fmt: skip


def fault(shape: Shape, payload: dict[str, object]) -> str | None:
    """What is wrong with a payload, naming the field ("payload.fields.capacity must be ...")."""
    found = mapping(shape)(payload)
    if found is None:
        return None
    return f"payload {found}" if found.startswith("must") else f"payload.{found}"
