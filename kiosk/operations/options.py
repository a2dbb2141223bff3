"""`--log-level` and `--log-format`, on `kiosk` itself and again on `kiosk serve`.

`kiosk --log-level debug import …` and `kiosk serve --log-level debug` both work: the options
configure logging as they are read, and a subcommand's option counts only when it was given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from kiosk import config
from kiosk.operations import logs


def _apply(setter: Callable[[str], None]) -> Callable[[click.Context, click.Parameter, Any], None]:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        source = ctx.get_parameter_source(param.name or "")
        if ctx.parent is None or source not in (click.core.ParameterSource.DEFAULT, None):
            setter(value)

    return callback


def log_options(command: Callable) -> Callable:
    """Adds both options to a click command or group."""
    level = click.option("--log-level", type=click.Choice(logs.LEVELS, case_sensitive=False),
                         default=config.LOG_LEVEL, envvar="KIOSK_LOG_LEVEL", show_default=True,
                         expose_value=False, callback=_apply(logs.set_level),
                         help="Least severe log records shown on stderr"
                              " (env KIOSK_LOG_LEVEL).")  # fmt: skip
    form = click.option("--log-format", type=click.Choice(logs.FORMATS), default=config.LOG_FORMAT,
                        envvar="KIOSK_LOG_FORMAT", show_default=True, expose_value=False,
                        callback=_apply(logs.set_format),
                        help="text for people, json (one object a line) for log collectors"
                             " (env KIOSK_LOG_FORMAT).")  # fmt: skip
    return level(form(command))
