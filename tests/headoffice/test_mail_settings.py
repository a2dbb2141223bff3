"""Mail settings from the environment and a command's options; the password stays secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.headoffice.smtp import ENV, MailSettingsError, settings_from

ROOT = Path(__file__).resolve().parents[2]
ENVIRON = {
    "KIOSK_SMTP_HOST": "smtp.example.org",
    "KIOSK_SMTP_USER": "kiosk",
    "KIOSK_SMTP_PASSWORD": "s3cret-Pa55",
    "KIOSK_MAIL_FROM": "PyCon ID <noreply@pycon.example>",
}


def test_settings_come_from_the_environment_and_options_win() -> None:
    settings = settings_from({**ENVIRON, "KIOSK_SMTP_PORT": "2525"}, {"port": 587, "host": None})
    assert (settings.host, settings.port, settings.starttls) == ("smtp.example.org", 587, True)
    assert settings.username == "kiosk" and settings.password == "s3cret-Pa55"


def test_describe_and_repr_never_show_the_password() -> None:
    settings = settings_from(ENVIRON)
    assert settings.describe() == (
        "smtp://kiosk@smtp.example.org:587 (STARTTLS), from PyCon ID <noreply@pycon.example>"
    )
    assert "s3cret" not in repr(settings)


def test_no_host_means_mail_is_off() -> None:
    settings = settings_from({})
    assert not settings.enabled
    assert settings.describe() == "mail off (no SMTP host)"


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"KIOSK_MAIL_FROM": ""}, "KIOSK_MAIL_FROM"),
        ({"KIOSK_SMTP_SSL": "yes", "KIOSK_SMTP_STARTTLS": "yes"}, "Choose one"),
        ({"KIOSK_SMTP_STARTTLS": "no"}, "never sent unencrypted"),
        ({"KIOSK_SMTP_PORT": "smtp"}, "KIOSK_SMTP_PORT must be a number"),
    ],
)
def test_settings_that_cannot_work_are_refused_with_what_to_set(changes, says) -> None:
    with pytest.raises(MailSettingsError, match=says):
        settings_from({**ENVIRON, **changes})


def test_smtps_alone_means_no_starttls_on_its_own_port() -> None:
    settings = settings_from({**ENVIRON, "KIOSK_SMTP_SSL": "true"})
    assert (settings.ssl, settings.starttls, settings.port_or_default()) == (True, False, 465)


def test_every_mail_setting_is_documented() -> None:
    text = (ROOT / "docs" / "headoffice.md").read_text(encoding="utf-8")
    assert [name for name in ENV.values() if f"`{name}`" not in text] == []
