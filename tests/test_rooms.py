"""Room rules as pure functions: overlap, clash, capacity, the impact of a move, doors."""

from datetime import UTC, datetime, timedelta

from kiosk.rooms import rules as rooms
from kiosk.rooms.rules import DoorResult, Level, Room, Slot

T0 = datetime(2026, 12, 1, 3, 30, tzinfo=UTC)  # 10:30 in Jakarta


def slot(sid: str, room: str, start_min: int, minutes: int) -> Slot:
    start = T0 + timedelta(minutes=start_min)
    return Slot(sid, sid.title(), start, start + timedelta(minutes=minutes), room)


WORKSHOP = slot("workshop", "kamboja", 0, 90)
PRINTING = slot("printing", "anggrek", 0, 45)
LUNCH = slot("lunch", "anggrek", 90, 60)
DAY = [WORKSHOP, PRINTING, LUNCH]


def test_touching_sessions_do_not_overlap() -> None:
    # One ends at 12:00 as the next begins: a room can hold both.
    assert not rooms.overlaps(WORKSHOP, slot("after", "kamboja", 90, 30))
    assert rooms.overlaps(WORKSHOP, slot("inside", "kamboja", 30, 10))


def test_clash_is_an_overlapping_session_in_the_new_room() -> None:
    assert rooms.clashes(WORKSHOP, "anggrek", DAY) == (PRINTING,)
    assert rooms.clashes(WORKSHOP, "melati", DAY) == ()


def test_a_session_never_clashes_with_itself() -> None:
    assert rooms.clashes(PRINTING, "anggrek", DAY) == ()


def test_shortfall_counts_people_without_a_seat() -> None:
    assert rooms.shortfall(60, 140) == 80
    assert rooms.shortfall(300, 140) == 0


BEFORE = T0 - timedelta(minutes=25)  # 10:05: nothing has started yet


def test_impact_of_the_floor_managers_move() -> None:
    # 140 sign-ups for a 60-seat room move to Anggrek (80 seats), where Printing runs.
    found = rooms.impact(WORKSHOP, Room("anggrek", "Anggrek", 80), 140, DAY, BEFORE)
    assert (found.registered, found.capacity, found.shortfall) == (140, 80, 60)
    assert found.clashes == (PRINTING,)
    assert found.warnings == ["capacity", "clash"]
    assert found.standing == () and not found.same_room


def test_impact_into_a_free_big_room_has_no_warnings() -> None:
    found = rooms.impact(WORKSHOP, Room("ballroom", "Ballroom", 1200), 140, DAY, BEFORE)
    assert found.warnings == [] and found.shortfall == 0


def test_a_double_booking_elsewhere_stands_apart_from_the_warnings() -> None:
    # A demo shares Anggrek with Printing; moving the workshop to the ballroom changes neither.
    demo = slot("demo", "anggrek", 15, 15)
    found = rooms.impact(WORKSHOP, Room("ballroom", "Ballroom", 1200), 140, [*DAY, demo], BEFORE)
    assert found.warnings == [] and found.clashes == ()
    assert found.standing == ((PRINTING, demo),)


def test_moving_away_from_a_double_booking_frees_the_other() -> None:
    # Two sessions share Anggrek; moving one out leaves the room to the other.
    extra = slot("extra", "anggrek", 10, 20)
    assert rooms.double_bookings([PRINTING, extra]) == ((PRINTING, extra),)
    found = rooms.impact(extra, Room("melati", "Melati", 300), 10, [PRINTING, extra], BEFORE)
    assert found.freed == (PRINTING,) and found.standing == () and found.warnings == []


def test_moving_a_session_under_way_warns_once_its_door_is_open() -> None:
    ballroom = Room("ballroom", "Ballroom", 1200)
    for minutes, underway in ((-16, False), (-15, True), (89, True), (90, False)):
        found = rooms.impact(WORKSHOP, ballroom, 10, DAY, T0 + timedelta(minutes=minutes))
        assert found.underway is underway
    kamboja = Room("kamboja", "Kamboja", 60)  # staying put moves nobody
    assert not rooms.impact(WORKSHOP, kamboja, 10, DAY, T0).underway


def test_now_and_next() -> None:
    assert rooms.running(DAY, T0 + timedelta(minutes=10)) == [WORKSHOP, PRINTING]
    assert rooms.upcoming(DAY, T0 + timedelta(minutes=10)) == [LUNCH]
    assert rooms.upcoming(DAY, T0 + timedelta(hours=5)) == []


def test_door_opens_fifteen_minutes_early() -> None:
    assert rooms.door_session(DAY, "kamboja", T0 - timedelta(minutes=16)) is None
    assert rooms.door_session(DAY, "kamboja", T0 - timedelta(minutes=15)) == WORKSHOP
    assert rooms.door_session(DAY, "kamboja", WORKSHOP.ends_at) is None


def test_occupancy_counts_from_the_door_opening_or_the_last_end() -> None:
    midnight = T0 - timedelta(hours=10)
    assert rooms.occupancy_since(DAY, "anggrek", T0 - timedelta(hours=1), midnight) == midnight
    assert rooms.occupancy_since(DAY, "anggrek", T0, midnight) == T0 - rooms.DOOR_EARLY
    # Between Printing (ends 11:15) and Lunch (doors 11:45) the room starts empty again.
    assert (
        rooms.occupancy_since(DAY, "anggrek", T0 + timedelta(minutes=50), midnight)
        == PRINTING.ends_at
    )


def test_levels_warn_at_ninety_and_full_at_a_hundred_percent() -> None:
    assert [rooms.level(n, 60) for n in (53, 54, 59, 60, 75)] == [
        Level.OK, Level.WARN, Level.WARN, Level.FULL, Level.FULL]  # fmt: skip
    assert rooms.level(10, 0) is Level.OK  # unknown capacity never alarms


def test_door_decisions() -> None:
    def decide(**kw: object) -> rooms.DoorDecision:
        args = {"known": True, "cancelled": False, "session": WORKSHOP, "registered": True,
                "direction": "in", "inside": False, "occupancy": 59, "capacity": 60,
                **kw}  # fmt: skip
        return rooms.door_decide(**args)  # type: ignore[arg-type]

    assert decide().result is DoorResult.REGISTERED and decide().level is Level.FULL
    assert decide(registered=False).result is DoorResult.NOT_REGISTERED
    assert decide(session=None).result is DoorResult.NO_SESSION
    assert decide(known=False).occupancy == 59  # an unknown badge never counts
    assert decide(cancelled=True).result is DoorResult.CANCELLED
    assert decide(inside=True).occupancy == 59  # a second scan in is not a second person
    assert decide(direction="out", inside=True).occupancy == 58
    assert decide(direction="out").occupancy == 59
