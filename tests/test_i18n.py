"""Every screen in English and Bahasa Indonesia: the catalog is complete and compiled."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = ROOT / "kiosk" / "translations"
METHODS = [("kiosk/**.py", "python"), ("kiosk/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def source_messages() -> set[str]:
    """Every message marked for translation in the code and templates, as pybabel finds it."""
    found = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def languages() -> list[Path]:
    return sorted(CATALOGS.glob("*/LC_MESSAGES/messages.po"))


def load(po: Path):
    with po.open("rb") as f:
        return read_po(f)


def _first(text: str | tuple[str, ...]) -> str:
    """A message's id; a plural message is known by its singular."""
    return text if isinstance(text, str) else text[0]


def _translated(text: str | tuple[str, ...]) -> bool:
    """Every form of the message has a translation."""
    return all(text) if isinstance(text, tuple) else bool(text)


def test_there_is_an_indonesian_catalog() -> None:
    assert [p.parts[-3] for p in languages()] == ["id"]


def test_every_message_is_translated() -> None:
    wanted = source_messages()
    assert len(wanted) > 50  # the extraction really found the screens' text
    for po in languages():
        catalog = load(po)
        done = {_first(m.id) for m in catalog if m.id and _translated(m.string) and not m.fuzzy}
        missing = sorted(wanted - done)
        assert missing == [], f"{po}: run 'make translations' and translate {missing}"
        problems = [(m.id, errors) for m, errors in catalog.check() if errors]
        assert problems == []  # e.g. a %(name)s placeholder lost in translation


def test_compiled_catalogs_are_up_to_date() -> None:
    for po in languages():
        compiled = BytesIO()
        write_mo(compiled, load(po))
        assert po.with_suffix(".mo").read_bytes() == compiled.getvalue(), (
            f"{po.with_suffix('.mo')} is stale: run 'make translations'"
        )


def test_desk_speaks_indonesian(desk) -> None:
    client, token = desk
    client.post("/lang", data={"lang": "id", "next": "/desk", "csrf_token": token})
    html = client.post("/desk/scan", data={"q": "KN-JOSE01", "csrf_token": token},
                       headers={"HX-Request": "true"}).data.decode()  # fmt: skip
    assert "Berhasil check-in" in html and "Selamat datang, José!" in html


def test_browser_language_is_the_default(client) -> None:
    page = client.get("/login", headers={"Accept-Language": "id-ID,id;q=0.9,en;q=0.5"})
    assert "Masuk petugas" in page.data.decode()
    page = client.get("/login", headers={"Accept-Language": "fr-FR"})
    assert "Staff sign-in" in page.data.decode()
