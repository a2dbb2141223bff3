"""Every route against every credential, CSRF on every form, throttles, headers, and logs.

The tables come from the app's URL map, so a new route is tested the day it is added: it must
fall under one binding (bearer token, staff session, signage or self-service screen) or be on
the short public list below.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from kiosk import auth
from kiosk.views import selfservice, signage
from tests.conftest import csrf_from, sign_in

# Anyone may reach these: signing in, the files of the pages, the language switch, and two
# that only redirect or clear a session. Everything else needs a credential.
PUBLIC = {("GET", "/"), ("GET", "/login"), ("POST", "/login"), ("POST", "/logout"),
          ("POST", "/lang"), ("GET", "/static/<path:filename>"), ("GET", "/healthz"),
          ("GET", "/api/v1/openapi.yaml"), ("GET", "/api/v1/")}  # fmt: skip
STAFF = {"desk", "supervisor"}
TOKEN_ROLES = ("desk", "supervisor", "selfservice", "signage", "sync", "exhibitor", "metrics")
# (method, rule) -> roles that may; the contract's role table. Every other token role is 403.
BEARER = {
    ("POST", "/api/v1/scan"): STAFF | {"selfservice"},
    ("POST", "/api/v1/checkins/<op_id>/undo"): STAFF,
    ("GET", "/api/v1/attendees"): STAFF,
    ("GET", "/api/v1/attendees/<attendee_id>"): STAFF,
    # A self-service device may use its own badge: a sample attendee is not its own (403).
    ("GET", "/api/v1/attendees/<attendee_id>/badge.<fmt>"): STAFF,
    ("POST", "/api/v1/attendees/<attendee_id>/print"): STAFF,
    ("GET", "/api/v1/print-jobs/<job_id>"): STAFF | {"selfservice"},  # its own jobs only: 404
    ("GET", "/api/v1/sessions"): STAFF | {"signage"},
    ("GET", "/api/v1/rooms"): STAFF | {"signage"},
    ("POST", "/api/v1/sessions/<session_id>/room"): {"supervisor"},
    ("POST", "/api/v1/rooms/<room_id>/scan"): STAFF,
    ("GET", "/api/v1/sync/status"): STAFF | {"sync"},
    ("GET", "/api/v1/stats/arrivals"): {"supervisor"},
    ("POST", "/api/v1/incidents"): STAFF,
    ("GET", "/api/v1/incidents"): STAFF,
    ("POST", "/api/v1/incidents/<incident_id>"): {"supervisor"},
    ("POST", "/api/v1/deliveries"): {"supervisor"},
    ("GET", "/api/v1/deliveries"): STAFF,
    ("POST", "/api/v1/deliveries/<delivery_id>"): {"supervisor"},
    ("GET", "/api/v1/shifts"): STAFF,
    ("POST", "/api/v1/shifts/<shift_id>/checkin"): STAFF,
    ("GET", "/api/v1/sessions/<session_id>/readiness"): STAFF,
    ("POST", "/api/v1/sessions/<session_id>/readiness"): STAFF,
    **{(m, r): {"exhibitor"} for m, r in [("POST", "/api/v1/leads"), ("GET", "/api/v1/leads"),
                                           ("POST", "/api/v1/leads/<lead_id>")]},
    ("GET", "/metrics"): {"supervisor", "metrics"},
    **{(m, f"/sync/v1/{name}"): {"sync"}
       for m, name in [("POST", "hello"), ("POST", "push"), ("GET", "pull"), ("POST", "verify"),
                       ("POST", "missing")]},
}  # fmt: skip
SAMPLE_ARGS = {"attendee_id": "a-jose", "op_id": str(uuid.uuid4()), "job_id": "job-1",
               "session_id": "s-1", "room_id": "r-1", "flag_id": "f-1", "fmt": "png",
               "filename": "kiosk.css", "lead_id": "lead-1", "sponsor_id": "sp-1"}  # fmt: skip
CSRF = "test-csrf-token"
_addresses = (f"10.9.{i // 250}.{i % 250 + 1}" for i in itertools.count())


def binding(rule: str) -> str:
    """Which credential a route takes."""
    if rule.startswith(("/api/", "/sync/")) or rule == "/metrics":
        return "bearer"
    if rule.startswith("/signage"):
        return "signage"
    if rule == "/self" or rule.startswith("/self/"):
        return "selfservice"
    if rule == "/booth" or rule.startswith("/booth/"):
        return "booth"
    return "staff"


def routes(app) -> list[tuple[str, str, str]]:
    """(method, rule, path) of every route but the public ones, with sample arguments."""
    return [(m, r, p) for m, r, p, _ in views(app)]


def views(app) -> list[tuple[str, str, str, object]]:
    """(method, rule, path, view function) of every route but the public ones."""
    adapter = app.url_map.bind("localhost")
    found = []
    for rule in app.url_map.iter_rules():
        values = {name: SAMPLE_ARGS.get(name, "x") for name in rule.arguments}
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if (method, rule.rule) not in PUBLIC:
                path = adapter.build(rule.endpoint, values)
                found.append((method, rule.rule, path, app.view_functions[rule.endpoint]))
    return found


def call(client, method, path, headers=None, form=True):
    """One request from a fresh address (so the token throttle never interferes)."""
    env = {"REMOTE_ADDR": next(_addresses)}
    if method == "GET":
        return client.open(path, method=method, headers=headers, environ_base=env)
    if path.startswith(("/api/", "/sync/")):
        return client.open(path, method=method, headers=headers, json={}, environ_base=env)
    data = {"csrf_token": CSRF} if form else {}
    return client.open(path, method=method, headers=headers, data=data, environ_base=env)


def with_csrf(client):
    with client.session_transaction() as sess:
        sess["csrf"] = CSRF
    return client


def refused(response, how: str) -> bool:
    """Did the route refuse, in the way its binding refuses?"""
    if how == "bearer":
        return response.status_code == 401 and response.is_json and response.json["error"]
    if how == "staff":
        return response.status_code in (302, 303) and "/login" in response.location
    return response.status_code == 401  # signage and self-service screens


def granted(response) -> bool:
    if response.status_code in (401, 403):
        return False
    return not (response.status_code in (302, 303) and "/login" in response.location)


# -- the route list ----------------------------------------------------------------------------


def test_every_route_has_a_binding_or_is_public(app):
    """A staff page without @staff_required, or an API route without a permission, fails."""
    for method, rule, _, view in views(app):
        how = binding(rule)
        if how == "staff":
            assert hasattr(view, "permission"), f"{method} {rule} has no @staff_required"
        if how == "bearer":
            assert (method, rule) in BEARER, f"{method} {rule} is missing from the role table"


def test_every_binding_is_exercised(app):
    assert {binding(r) for _, r, _ in routes(app)} >= {"bearer", "staff", "signage"}


# -- missing and wrong credentials ---------------------------------------------------------------


@pytest.fixture
def revoked(db):
    token = auth.create_token(db, "supervisor", "old tablet")
    token_id = db.execute("SELECT token_id FROM api_token WHERE name = 'old tablet'").fetchone()[0]
    assert auth.revoke_token(db, token_id)
    return token


def wrong_headers(revoked: str) -> list[dict[str, str]]:
    return [{}, {"Authorization": "Bearer kt_wrong"}, {"Authorization": f"Bearer {revoked}"},
            {"Authorization": f"Basic {revoked}"}, {"Authorization": "Bearer "},
            {"Authorization": "Bearer " + "x" * 5000}]  # fmt: skip


def test_every_route_refuses_a_missing_or_wrong_credential(app, client, revoked):
    with_csrf(client)
    wrong = []
    for method, rule, path in routes(app):
        how = binding(rule)
        for headers in wrong_headers(revoked):
            if not refused(call(client, method, path, headers), how):
                wrong.append((method, rule, headers.get("Authorization", "")[:20]))
    assert wrong == []


def test_a_forged_session_cookie_signs_no_one_in(app, client):
    client.set_cookie("session", "eyJzdGFmZl9pZCI6Mn0.forged.signature")
    with_csrf(client)
    for method, rule, path in routes(app):
        if binding(rule) == "staff":
            assert refused(call(client, method, path), "staff"), (method, rule)


@pytest.mark.parametrize("screen", [signage, selfservice])
def test_screens_refuse_a_wrong_or_revoked_token(app, client, revoked, screen):
    prefix = screen.bp.url_prefix
    assert client.get(f"{prefix}?token=kt_wrong").status_code == 401
    assert client.get(f"{prefix}?token={revoked}").status_code == 401
    client.set_cookie(screen.COOKIE, revoked)
    assert client.get(prefix).status_code == 401


# -- each role against each route -----------------------------------------------------------


def expected_for_token(role: str, method: str, rule: str) -> bool:
    """May a device with a token of `role` use the route (the way its binding takes tokens)?"""
    how = binding(rule)
    if how == "bearer":
        return role in BEARER[(method, rule)]
    if how in ("signage", "selfservice"):
        return role == how
    if how == "booth":
        return role == "exhibitor"
    return False  # a token never signs anyone in to the staff pages


@pytest.mark.parametrize("role", TOKEN_ROLES)
def test_each_token_role_on_each_route(app, client, make_token, role):
    token = make_token(role)["Authorization"].split()[1]
    wrong = []
    for method, rule, path in routes(app):
        with app.test_client() as device:
            with_csrf(device)
            headers = {"Authorization": f"Bearer {token}"}
            if binding(rule) == "signage":
                device.set_cookie(signage.COOKIE, token)
            elif binding(rule) == "selfservice":  # its cookie is a screen session, not the token
                call(device, "GET", f"/self?token={token}")
            elif binding(rule) == "booth":  # its session names the token, never holds it
                call(device, "GET", f"/booth?token={token}")
            response = call(device, method, path, headers)
            if granted(response) != expected_for_token(role, method, rule):
                wrong.append((method, rule, response.status_code))
    assert wrong == []


def expected_for_staff(role: str, rule: str, view: object) -> bool:
    how = binding(rule)
    if how == "staff":
        return view.permission in auth.PERMISSIONS[role]  # type: ignore[attr-defined]
    return how == "signage"  # staff may look at signage; the API never takes a session


@pytest.mark.parametrize("role", sorted(STAFF))
def test_each_staff_session_on_each_route(app, client, role):
    wrong = []
    for method, rule, path, view in views(app):
        if method == "POST" and rule.startswith("/self"):
            continue  # a staff browser has no self-service visit; GETs already show the refusal
        with app.test_client() as browser:
            sign_in(browser, "Ana" if role == "desk" else "Budi")
            with_csrf(browser)
            response = call(browser, method, path)
            if granted(response) != expected_for_staff(role, rule, view):
                wrong.append((method, rule, response.status_code))
    assert wrong == []


# -- CSRF on every form ----------------------------------------------------------------------


def snapshot(db) -> dict[str, int]:
    """Rows per table: a refused post must leave every one as it was."""
    tables = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                        " AND name NOT LIKE '%fts%' AND name NOT LIKE 'sqlite_%'")  # fmt: skip
    names = [row[0] for row in tables]
    return {n: db.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}  # noqa: S608


def form_posts(app) -> list[tuple[str, str]]:
    """Every POST a browser makes with a form: all but the JSON API, public ones included."""
    adapter = app.url_map.bind("localhost")
    found = []
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and binding(rule.rule) != "bearer":
            values = {name: SAMPLE_ARGS.get(name, "x") for name in rule.arguments}
            found.append((rule.rule, adapter.build(rule.endpoint, values)))
    return found


@pytest.mark.parametrize("sent", [None, "wrong-token"])
def test_every_form_post_needs_the_csrf_token(app, client, db, sent):
    sign_in(client, "Budi")
    with_csrf(client)
    before = snapshot(db)
    data = {"name": "Budi", "pin": "4321", "room_id": "r-2", "lang": "id"}
    if sent:
        data["csrf_token"] = sent
    for rule, path in form_posts(app):
        response = client.post(path, data=data, environ_base={"REMOTE_ADDR": next(_addresses)})
        assert response.status_code == 400, (rule, response.status_code)
    assert snapshot(db) == before


# -- guessing PINs and tokens --------------------------------------------------------------


def pin_attempt(client, name: str, pin: str, address: str) -> int:
    with_csrf(client)
    data = {"name": name, "pin": pin, "desk": "D1", "csrf_token": CSRF}
    return client.post("/login", data=data, environ_base={"REMOTE_ADDR": address}).status_code


def test_pin_guessing_is_limited_per_name_and_device(client):
    # Five wrong PINs for Ana from one address: Ana waits there, even with the right PIN; Ana
    # elsewhere and other names there are not held back (no lock a stranger can put on them).
    for _ in range(auth.MAX_FAILURES):
        assert pin_attempt(client, "Ana", "0000", "10.1.0.1") == 401
    assert pin_attempt(client, "Ana", "4321", "10.1.0.1") == 429
    assert pin_attempt(client, "Budi", "4321", "10.1.0.1") == 303
    assert pin_attempt(client, "Ana", "4321", "10.1.0.2") == 303


def test_guesses_behind_a_shared_address_leave_a_known_tablet_alone(app):
    # The desk tablet and a stranger's laptop behind one NAT: the stranger's wrong PINs for
    # Ana do not keep Ana out of the tablet she signed in on before.
    nat = "10.2.0.1"
    tablet, stranger = app.test_client(), app.test_client()
    assert pin_attempt(tablet, "Ana", "4321", nat) == 303
    with_csrf(tablet).post("/logout", data={"csrf_token": CSRF})
    statuses = [pin_attempt(stranger, "Ana", "0000", nat) for _ in range(30)]
    assert statuses.count(401) == auth.MAX_FAILURES and statuses[-1] == 429
    assert pin_attempt(tablet, "Ana", "4321", nat) == 303


def test_each_wait_is_longer_than_the_last(db):
    now = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    waits = []
    for _ in range(3):
        while True:
            try:
                assert auth.sign_in(db, "Ana", "0000", "10.3.1.1", now=now) is None
            except auth.Throttled as exc:
                waits.append(exc.until - now)
                now = exc.until + timedelta(seconds=1)
                break
    assert waits[0] == auth.PIN_BACKOFF and waits[1] == 2 * waits[0] and waits[2] == 2 * waits[1]
    assert auth.sign_in(db, "Ana", "4321", "10.3.1.1", now=now) is not None  # and it starts over
    assert auth.sign_in(db, "Ana", "0000", "10.3.1.1", now=now) is None


def test_a_supervisor_lets_a_held_back_name_try_again(client, app, tmp_path):
    for _ in range(auth.MAX_FAILURES):
        pin_attempt(client, "Ana", "0000", "10.3.2.1")
    assert pin_attempt(client, "Ana", "4321", "10.3.2.1") == 429
    supervisor = app.test_client()
    sign_in(supervisor, "Budi")
    page = supervisor.get("/admin/staff")
    assert b"Let them try again" in page.data
    done = supervisor.post(
        "/admin/staff/unlock", data={"name": "Ana", "csrf_token": csrf_from(page.data)}
    )
    assert done.status_code == 303
    assert pin_attempt(client, "Ana", "4321", "10.3.2.1") == 303


def test_the_cli_lets_a_held_back_name_try_again(client, db_path):
    from click.testing import CliRunner

    from kiosk.cli import main

    for _ in range(auth.MAX_FAILURES):
        pin_attempt(client, "Ana", "0000", "10.3.3.1")
    assert pin_attempt(client, "Ana", "4321", "10.3.3.1") == 429
    result = CliRunner().invoke(main, ["--db", str(db_path), "staff", "unlock", "Ana"])
    assert result.exit_code == 0, result.output
    assert pin_attempt(client, "Ana", "4321", "10.3.3.1") == 303


def test_parallel_wrong_pins_are_counted_before_any_is_checked(app):
    # 16 browsers post a wrong PIN for Ana at the same moment to a real server: only the first
    # MAX_FAILURES are checked, the others are refused before any PIN is hashed.
    import http.cookiejar
    import re
    import threading
    import urllib.error
    import urllib.parse
    import urllib.request

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)  # a thread per request
    url = f"http://127.0.0.1:{server.server_port}"
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    browsers = []
    for _ in range(16):
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))  # fmt: skip
        with opener.open(url + "/login") as page:
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.read().decode()).group(1)
        browsers.append((opener, csrf))
    start, statuses = threading.Barrier(16), []

    def attempt(opener, csrf):
        form = urllib.parse.urlencode({"name": "Ana", "pin": "0000", "csrf_token": csrf})
        start.wait()
        try:
            opener.open(url + "/login", data=form.encode())
        except urllib.error.HTTPError as exc:
            statuses.append(exc.code)

    threads = [threading.Thread(target=attempt, args=b) for b in browsers]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.shutdown()
        serving.join()
        server.server_close()
    assert sorted(statuses) == [401] * auth.MAX_FAILURES + [429] * (16 - auth.MAX_FAILURES)


def bearer(client, token: str, address: str):
    return client.get("/api/v1/rooms", headers={"Authorization": f"Bearer {token}"},
                      environ_base={"REMOTE_ADDR": address})  # fmt: skip


def test_the_token_limit_is_a_setting(client):
    """Where many scanners share one address, the technician raises TOKEN_MAX_FAILURES."""
    client.application.config["TOKEN_MAX_FAILURES"] = 3
    for i in range(3):
        assert bearer(client, f"kt_guess{i}", "10.3.0.9").status_code == 401
    assert bearer(client, "kt_guess-more", "10.3.0.9").status_code == 429


def test_token_guessing_is_limited_per_address(client, db, make_token, clock):
    good = make_token("desk")["Authorization"].split()[1]
    for i in range(auth.TOKEN_MAX_FAILURES):
        assert bearer(client, f"kt_guess{i}", "10.3.0.1").status_code == 401
    locked = bearer(client, "kt_guess-more", "10.3.0.1")
    assert locked.status_code == 429 and locked.json["error"] == "rate_limited"
    # A valid token still works there: one device's wrong tokens behind a shared NAT must not
    # stop every scanner (and a 256-bit token is not found by guessing).
    assert bearer(client, good, "10.3.0.1").status_code == 200
    assert bearer(client, "kt_guess-more", "10.3.0.1").status_code == 429
    row = db.execute("SELECT locked_until FROM auth_failure WHERE key = 'token:10.3.0.1'")
    assert datetime.fromisoformat(row.fetchone()[0]) > clock.now()


def test_token_lock_ends_after_a_minute(db, make_token, clock):
    good = make_token("desk")["Authorization"].split()[1]
    now = clock.now()
    for _ in range(auth.TOKEN_MAX_FAILURES):
        assert auth.token_principal(db, "kt_guess", "10.4.0.1", now) is None
    with pytest.raises(auth.Throttled):
        auth.token_principal(db, "kt_guess", "10.4.0.1", now)
    assert auth.token_principal(db, good, "10.4.0.1", now) is not None
    later = now + auth.TOKEN_LOCKOUT + timedelta(seconds=1)
    assert auth.token_principal(db, "kt_guess", "10.4.0.1", later) is None


@pytest.mark.parametrize("screen", ["/signage", "/self"])
def test_screen_binding_token_guessing_is_limited_too(client, screen):
    env = {"REMOTE_ADDR": "10.5.0.1"}
    for i in range(auth.TOKEN_MAX_FAILURES):
        refused = client.get(f"{screen}?token=kt_guess{i}", environ_base=env)
        assert refused.status_code in (302, 303, 401), refused.status_code
    assert client.get(f"{screen}?token=x", environ_base=env).status_code == 429


def test_valid_tokens_write_nothing(client, db, make_token):
    good = make_token("desk")["Authorization"].split()[1]
    before = db.total_changes, snapshot(db)
    for _ in range(50):
        assert bearer(client, good, "10.6.0.1").status_code == 200
    assert snapshot(db) == before[1]
    assert db.execute("SELECT count(*) FROM auth_failure").fetchone()[0] == 0


# -- security headers ------------------------------------------------------------------------


def assert_headers(response, where: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    directives = dict([*d.strip().split(" ", 1), ""][:2] for d in csp.split(";") if d.strip())
    assert directives.get("default-src") == "'self'", where
    assert directives.get("script-src") == "'self'", where
    assert directives.get("frame-ancestors") == "'none'", where
    assert "unsafe" not in csp and "http:" not in csp and "*" not in csp, where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("X-Frame-Options") == "DENY", where
    assert response.headers.get("Referrer-Policy") in ("same-origin", "no-referrer"), where


def test_every_response_carries_the_security_headers(app, client):
    sign_in(client, "Budi")
    with_csrf(client)
    for method, rule, path in [*routes(app), ("GET", "/login", "/login"),
                               ("GET", "/nowhere", "/nowhere")]:  # fmt: skip
        response = call(client, method, path)
        assert_headers(response, f"{method} {rule}")
        assert "Strict-Transport-Security" not in response.headers  # plain HTTP: no HSTS


def test_hsts_only_over_tls(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://kiosk.local")
    assert_headers(secure, "https")
    assert "max-age=" in secure.headers.get("Strict-Transport-Security", "")


# -- secrets never reach the log -------------------------------------------------------------

# `kiosk` with every logger at DEBUG into one file, as a curious technician might run it.
DEBUG_KIOSK = ("import logging, sys; logging.basicConfig(level=logging.DEBUG,"
               " filename=sys.argv.pop(1), format='%(asctime)s %(name)s %(message)s');"
               " from kiosk.cli import main; sys.argv[0] = 'kiosk'; main()")  # fmt: skip
SECRET_PIN = "86420975"


def debug_kiosk(log, *args: str, **popen: object):
    import subprocess
    import sys

    cmd = [sys.executable, "-c", DEBUG_KIOSK, str(log), "--log-level", "debug", *args]
    with log.open("ab") as out:
        return subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, **popen)


@pytest.mark.e2e
def test_secrets_and_tokens_never_reach_the_log(tmp_path):
    import re
    import subprocess
    import urllib.parse
    import urllib.request

    from kiosk import files
    from tests.e2e.conftest import KIOSK, free_port, wait_until_up

    venue, log = tmp_path / "venue.sqlite3", tmp_path / "kiosk.log"
    out = subprocess.run([KIOSK, "--db", str(venue), "demo", "--attendees", "50"], check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    desk_token = re.search(r"API token \(role desk\): (\S+)", out).group(1)
    subprocess.run([KIOSK, "--db", str(venue), "staff", "add", "Rina", "--role", "desk", "--pin",
                    SECRET_PIN], check=True, capture_output=True)  # fmt: skip
    sync_token = subprocess.run([KIOSK, "--db", str(venue), "token", "create", "--role", "sync",
                                 "--name", "peer"], check=True, capture_output=True,
                                text=True).stdout.split()[-1]  # fmt: skip
    url = f"http://127.0.0.1:{free_port()}"
    server = debug_kiosk(log, "--db", str(venue), "serve", "--port", url.rsplit(":", 1)[1])
    try:
        wait_until_up(url, server, log)
        cookie = _sign_in_over_http(url, "Rina", SECRET_PIN)
        _scan_over_http(url, desk_token)
        peer = tmp_path / "peer.sqlite3"
        subprocess.run([KIOSK, "--db", str(peer), "init", "--event", "Peer"], check=True)
        syncing = debug_kiosk(log, "--db", str(peer), "sync", "--peer", url, "--token",
                              sync_token, "--once")  # fmt: skip
        assert syncing.wait(timeout=120) == 0, log.read_text()[-3000:]
    finally:
        server.terminate()
        server.wait(timeout=20)
    secrets_ = {"desk token": desk_token, "sync token": sync_token, "PIN": SECRET_PIN,
                "session cookie": cookie, "secret key": files.signing_key(venue)}  # fmt: skip
    text = log.read_text(errors="replace")
    assert " serving " in text and "pulled" in text  # the log did record the work
    assert [name for name, value in secrets_.items() if value and value in text] == []
    assert [name for name, value in secrets_.items()
            if value and urllib.parse.quote(value) in text] == []  # fmt: skip


def _sign_in_over_http(url: str, name: str, pin: str) -> str:
    """Signs in with the real form; returns the session cookie's value."""
    import http.cookiejar
    import re
    import urllib.parse
    import urllib.request

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(url + "/login") as page:
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.read().decode()).group(1)
    form = urllib.parse.urlencode({"name": name, "pin": pin, "desk": "D1", "csrf_token": csrf})
    with opener.open(url + "/login", data=form.encode()) as done:
        assert done.url.endswith("/desk")  # signed in
    return next(c.value for c in jar if c.name == "session")


def _scan_over_http(url: str, token: str) -> None:
    import json
    import urllib.request

    request = urllib.request.Request(url + "/api/v1/scan", method="POST",  # noqa: S310
                                     data=json.dumps({"code": "NOPE"}).encode(),
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})  # fmt: skip
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        assert json.load(response)["result"] == "unknown_code"


# -- where a sign-in leads -------------------------------------------------------------------


@pytest.mark.parametrize("target", ["/%09/evil.example", "/%0a/evil.example", "/%0d/evil.example",
                                    "/%5cevil.example", "%5c%5cevil.example", "//evil.example",
                                    "https://evil.example/", "%09//evil.example",
                                    "/%00/evil.example", "javascript:alert(1)"])  # fmt: skip
def test_sign_in_never_leads_to_another_site(client, target):
    page = client.get(f"/login?next={target}")
    form = {"name": "Ana", "pin": "4321", "desk": "D1", "csrf_token": csrf_from(page.data)}
    response = client.post(f"/login?next={target}", data=form)
    assert response.status_code == 303
    location = response.headers["Location"]
    # What a browser makes of it: tabs and newlines dropped, a backslash read as a slash.
    seen = "".join(c for c in location if c not in "\t\r\n").replace("\\", "/")
    assert seen.startswith("/") and not seen.startswith("//"), location
    assert urlsplit(seen).netloc == "", location


def test_sign_in_still_leads_back_to_the_page_asked_for(client):
    page = client.get("/login?next=/review%3Ftab%3Dopen")
    form = {"name": "Budi", "pin": "4321", "desk": "D1", "csrf_token": csrf_from(page.data)}
    response = client.post("/login?next=/review%3Ftab%3Dopen", data=form)
    assert response.headers["Location"] == "/review?tab=open"


# -- caches and cookies ----------------------------------------------------------------------


def test_no_answer_with_personal_data_is_kept_in_a_cache(app, client, schedule_loaded):
    sign_in(client, "Budi")
    with_csrf(client)
    for path in ("/review", "/rooms", "/admin/printers", "/desk", "/nowhere"):
        response = client.get(path)
        assert response.headers.get("Cache-Control") == "no-store", path
    for method, rule, path in routes(app):
        if method == "GET" and not rule.startswith("/static/"):
            assert "no-store" in call(client, method, path).headers.get("Cache-Control", ""), rule
    with client.get("/static/kiosk.css") as static:  # the page files may be cached
        assert "no-store" not in static.headers.get("Cache-Control", "")


def test_every_cookie_is_secure_over_https(client, make_token):
    signage_token = make_token("signage")["Authorization"].split()[1]
    https = "https://kiosk.local"
    screen = client.get(f"/signage?token={signage_token}", base_url=https)
    page = client.get("/login", base_url=https)
    form = {"name": "Ana", "pin": "4321", "desk": "D1", "csrf_token": csrf_from(page.data)}
    signed_in = client.post("/login", data=form, base_url=https)
    lang = client.post("/lang", data={"lang": "id", "csrf_token": csrf_from(
        client.get("/desk", base_url=https).data)}, base_url=https)  # fmt: skip
    cookies = [c for r in (screen, page, signed_in, lang) for c in r.headers.getlist("Set-Cookie")]
    names = {c.split("=", 1)[0] for c in cookies}
    assert {"kiosk_signage", "session", "desk", "lang"} <= names, names
    assert [c for c in cookies if "; secure" not in c.lower()] == []
    plain = client.get("/login")  # over plain HTTP a Secure cookie would never come back
    assert all("; secure" not in c.lower() for c in plain.headers.getlist("Set-Cookie"))
