"""Settings: every one is documented, and the environment overrides them with the right type."""

from pathlib import Path

from kiosk import config

DOC = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"


def test_every_setting_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    undocumented = [name for name in config.SETTINGS if f"`{name}`" not in text]
    assert undocumented == []


def test_every_upper_case_name_is_a_setting() -> None:
    names = {n for n in vars(config) if n.isupper() and n != "SETTINGS"}
    assert names == set(config.SETTINGS)


def test_environment_overrides_keep_types() -> None:
    found = config.from_env({"KIOSK_LANGUAGES": "en", "KIOSK_STAFF_SESSION_MINUTES": "30",
                             "KIOSK_SESSION_COOKIE_SECURE": "yes", "OTHER": "x"})  # fmt: skip
    assert found == {"LANGUAGES": "en", "STAFF_SESSION_MINUTES": 30, "SESSION_COOKIE_SECURE": True}
