"""Head office's mail through a real SMTP relay on 127.0.0.1: each mail arrives once.

The relay is aiosmtpd in its own process (tests/support/smtp.py); tests read the messages it
stored, as the attendee's mail provider would have them.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.headoffice import outbox
from kiosk.headoffice.smtp import MailSettings
from tests.headoffice.maildb import create, queue, reopen, row
from tests.support.processes import free_port
from tests.support.smtp import ROOT, Relay, relay

NOW = 1_796_083_200_000  # 2026-12-01T00:00:00Z in ms: the outbox only uses what it is given
SENDER = "PyCon ID <noreply@pycon.example>"
PASSWORD = "s3cret-Pa55"


@pytest.fixture
def db(tmp_path: Path):
    database = create(tmp_path / "headoffice.sqlite3")
    yield database
    database.close()


def plain(port: int, timeout: float = 10) -> MailSettings:
    return MailSettings(host="127.0.0.1", port=port, starttls=False, from_address=SENDER,
                        timeout=timeout)  # fmt: skip


def secure(r: Relay, **options) -> MailSettings:
    return MailSettings(host="127.0.0.1", port=r.port, from_address=SENDER, timeout=10,
                        ca_file=str(r.cert), **options)  # fmt: skip


def wait_for(predicate, what: str) -> None:
    for _ in range(300):
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"never happened: {what}")


def test_english_and_indonesian_mail_arrive_with_their_headers(tmp_path, db) -> None:
    en = queue(db, "a1", "ana@example.org")
    ind = queue(db, "a2", "sri@example.org", "id", first_name="Ṣrī", last_name="王小明")
    with relay(tmp_path) as r:
        counts = outbox.deliver_due(db, plain(r.port), NOW)
        english, indonesian = sorted(r.received(), key=lambda m: m["Message-ID"])
    assert counts == outbox.Counts(sent=2)
    assert english["Subject"] == "Room change: Async in practice"
    assert "When: Tuesday 8 December 2026, 09:30–10:15 WIB" in english.get_content()
    assert indonesian["Subject"] == "Pindah ruang: Async in practice"
    assert "Waktu: Selasa, 8 Desember 2026, 09.30–10.15 WIB" in indonesian.get_content()
    # The name in any script survives header encoding; the Message-ID is the row's own.
    assert indonesian["To"].addresses[0].display_name == "Ṣrī 王小明"
    assert indonesian["To"].addresses[0].addr_spec == "sri@example.org"
    assert indonesian["Message-ID"] == "<n1.a2@kiosk.invalid>"
    assert indonesian["From"] == SENDER
    assert indonesian["Auto-Submitted"] == "auto-generated"
    assert indonesian["Date"].datetime.year == 2026
    assert [row(db, k)["status"] for k in (en, ind)] == ["sent", "sent"]
    assert row(db, en)["sent_at"] == "2026-12-01T00:00:00+00:00"


def test_a_mail_is_sent_once_however_often_the_worker_runs(tmp_path, db) -> None:
    key = queue(db, "a1", "ana@example.org")
    queue(db, "a1", "ana@example.org")  # the fold folding the same change again
    with relay(tmp_path) as r:
        outbox.deliver_due(db, plain(r.port), NOW)
        again = outbox.deliver_due(db, plain(r.port), NOW + 3_600_000)
        assert len(r.received()) == 1
    assert again.total == 0
    assert row(db, key)["attempts"] == 1


def test_a_relay_that_is_down_gets_the_mail_later_once(tmp_path, db) -> None:
    key, port = queue(db, "a1", "ana@example.org"), free_port()
    assert outbox.deliver_due(db, plain(port), NOW) == outbox.Counts(retried=1)
    waiting = row(db, key)
    assert (waiting["status"], waiting["attempts"]) == ("queued", 1)
    assert waiting["next_try_ms"] == NOW + outbox.FIRST_DELAY_MS
    assert "cannot reach smtp://127.0.0.1" in waiting["last_error"]
    with relay(tmp_path, port=port) as r:
        assert outbox.deliver_due(db, plain(port), NOW + 1).total == 0  # not due yet
        assert outbox.deliver_due(db, plain(port), NOW + outbox.FIRST_DELAY_MS).sent == 1
        outbox.deliver_due(db, plain(port), NOW + 10 * outbox.MAX_DELAY_MS)
        assert len(r.received()) == 1
    assert row(db, key)["status"] == "sent"


def test_a_relay_that_keeps_saying_later_ends_failed_after_backing_off(tmp_path, db) -> None:
    key = queue(db, "a1", "busy@example.org")
    waits = []
    with relay(tmp_path, defer=("busy@example.org",)) as r:
        at = NOW
        for _ in range(outbox.MAX_ATTEMPTS):
            outbox.deliver_due(db, plain(r.port), at)
            waits.append(row(db, key)["next_try_ms"] - at)
            at = row(db, key)["next_try_ms"]
        assert r.received() == []
    final = row(db, key)
    assert (final["status"], final["attempts"]) == ("failed", outbox.MAX_ATTEMPTS)
    assert final["last_error"].startswith("451 4.3.0")
    assert waits[:3] == [60_000, 120_000, 240_000] and max(waits) == outbox.MAX_DELAY_MS


def test_a_refused_recipient_bounces_with_the_relays_words(tmp_path, db) -> None:
    key = queue(db, "a1", "gone@example.org")
    ok = queue(db, "a2", "ana@example.org")
    with relay(tmp_path, bounce=("gone@example.org",)) as r:
        assert outbox.deliver_due(db, plain(r.port), NOW) == outbox.Counts(sent=1, bounced=1)
        outbox.deliver_due(db, plain(r.port), NOW + outbox.MAX_DELAY_MS)
        assert [m["To"].addresses[0].addr_spec for m in r.received()] == ["ana@example.org"]
    bounced = row(db, key)
    assert bounced["status"] == "bounced"
    assert bounced["last_error"] == "550 5.1.1 <gone@example.org>: no such mailbox here"
    summary = outbox.summary(db, 1)
    assert summary.counts == {**dict.fromkeys(outbox.STATUSES, 0), "sent": 1, "bounced": 1}
    assert [(f.attendee_id, f.status) for f in summary.failures] == [("a1", "bounced")]
    assert row(db, ok)["status"] == "sent"


def test_starttls_and_login_deliver(tmp_path, db) -> None:
    key = queue(db, "a1", "ana@example.org")
    with relay(tmp_path, tls="starttls", auth=("kiosk", PASSWORD)) as r:
        settings = secure(r, username="kiosk", password=PASSWORD)
        assert outbox.deliver_due(db, settings, NOW).sent == 1
        assert len(r.received()) == 1
    assert row(db, key)["status"] == "sent"


def test_smtps_delivers(tmp_path, db) -> None:
    queue(db, "a1", "ana@example.org")
    with relay(tmp_path, tls="smtps") as r:
        assert outbox.deliver_due(db, secure(r, ssl=True, starttls=False), NOW).sent == 1
        assert len(r.received()) == 1


def test_wrong_credentials_are_a_visible_failure_and_the_password_is_never_logged(
    tmp_path, db, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    key = queue(db, "a1", "ana@example.org")
    with relay(tmp_path, tls="starttls", auth=("kiosk", PASSWORD)) as r:
        wrong = secure(r, username="kiosk", password="not-" + PASSWORD)
        assert outbox.deliver_due(db, wrong, NOW) == outbox.Counts(retried=1)
        shown = outbox.summary(db, 1).failures
        right = secure(r, username="kiosk", password=PASSWORD)
        assert outbox.deliver_due(db, right, NOW + outbox.FIRST_DELAY_MS).sent == 1
        assert len(r.received()) == 1
    # The fleet console shows why nothing went out, and the log says it too.
    assert [f.last_error[:33] for f in shown] == ["login refused for kiosk: 535 5.7."]
    assert "login refused for kiosk: 535" in caplog.text
    assert PASSWORD not in caplog.text
    assert row(db, key)["status"] == "sent"


def test_a_relay_whose_certificate_is_not_trusted_gets_nothing(tmp_path, db) -> None:
    key = queue(db, "a1", "ana@example.org")
    with relay(tmp_path, tls="starttls") as r:
        untrusting = MailSettings(host="127.0.0.1", port=r.port, from_address=SENDER, timeout=10)
        assert outbox.deliver_due(db, untrusting, NOW) == outbox.Counts(retried=1)
        assert r.received() == []
    assert "certificate is not trusted" in row(db, key)["last_error"]


def test_a_relay_that_never_confirms_leaves_the_mail_uncertain_until_a_resend(tmp_path, db) -> None:
    key = queue(db, "a1", "ana@example.org")
    with relay(tmp_path / "silent", silent=("ana@example.org",)) as r:
        hasty = plain(r.port, timeout=2)
        assert outbox.deliver_due(db, hasty, NOW) == outbox.Counts(uncertain=1)
        assert outbox.deliver_due(db, hasty, NOW + outbox.MAX_DELAY_MS).total == 0
        assert len(r.received()) == 1  # it did arrive: sending again would be a second copy
    assert row(db, key)["status"] == "uncertain"
    assert "no answer after the mail was sent" in row(db, key)["last_error"]
    assert outbox.summary(db, 1).counts["uncertain"] == 1
    # The supervisor, having asked the attendee, sends it once more.
    assert outbox.resend(db, *key)
    with relay(tmp_path / "working") as r:
        assert outbox.deliver_due(db, plain(r.port), NOW).sent == 1
        assert len(r.received()) == 1
    assert not outbox.resend(db, *key)  # a sent mail is never put back


WORKER = """
import sys
from pathlib import Path
from kiosk.headoffice import outbox, smtp
from tests.headoffice.maildb import reopen
settings = smtp.MailSettings(host="127.0.0.1", port=int(sys.argv[2]), starttls=False,
                             from_address="noreply@pycon.example", timeout=600)
outbox.deliver_due(reopen(Path(sys.argv[1])), settings, int(sys.argv[3]))
"""


def test_a_worker_killed_mid_send_leaves_the_mail_uncertain_not_resent(tmp_path, db) -> None:
    key, path = queue(db, "a1", "ana@example.org"), tmp_path / "headoffice.sqlite3"
    with relay(tmp_path / "first", silent=("ana@example.org",)) as r:
        args = [sys.executable, "-c", WORKER, str(path), str(r.port), str(NOW)]
        worker = subprocess.Popen(args, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        try:
            wait_for(lambda: len(r.received()) == 1, "the relay stored the mail")
            assert row(db, key)["status"] == "sending"
        finally:
            worker.kill()  # a power cut between the final dot and the relay's answer
            worker.wait()
    with relay(tmp_path / "after") as r:
        assert outbox.recover(db) == 1
        assert outbox.deliver_due(db, plain(r.port), NOW + outbox.MAX_DELAY_MS).total == 0
        assert r.received() == []
    assert row(db, key)["status"] == "uncertain"
    assert row(db, key)["last_error"] == outbox.CUT_OFF


def test_the_mailer_thread_recovers_sends_and_stops(tmp_path, db) -> None:
    cut = queue(db, "a0", "cut@example.org")
    db.execute("UPDATE mail SET status = 'sending' WHERE attendee_id = 'a0'")  # a crash before
    key = queue(db, "a1", "ana@example.org")
    with relay(tmp_path) as r:
        opener = lambda: reopen(tmp_path / "headoffice.sqlite3")  # noqa: E731
        mailer = outbox.Mailer(opener, plain(r.port), interval=0.05)
        mailer.start()
        wait_for(lambda: row(db, key)["status"] == "sent", "the mailer sent the mail")
        mailer.stop(timeout=30)
        assert not mailer.is_alive()
        assert [m["To"].addresses[0].addr_spec for m in r.received()] == ["ana@example.org"]
    assert row(db, cut)["status"] == "uncertain"


def test_a_mail_that_cannot_be_written_fails_visibly_and_is_not_retried(tmp_path, db) -> None:
    key = queue(db, "a1", "ana at example.org")
    with relay(tmp_path) as r:
        assert outbox.deliver_due(db, plain(r.port), NOW) == outbox.Counts(failed=1)
        assert outbox.deliver_due(db, plain(r.port), NOW + outbox.MAX_DELAY_MS).total == 0
        assert r.received() == []
    failed = row(db, key)
    assert failed["status"] == "failed"
    assert (
        failed["last_error"]
        == "cannot write this mail: not an e-mail address: 'ana at example.org'"
    )
