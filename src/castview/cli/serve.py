"""`castview serve`: the app in a browser, one app process per tab, behind a token."""

from __future__ import annotations

import os
import re
import sys
from typing import TYPE_CHECKING

import typer

from .browse import IdleLimitOpt, SpeedOpt, ThemeOpt
from .options import SourcesArg, current_s3_flags, default_sources, s3_options
from .output import err, fail, out
from .reviews import UnreviewedOpt, VerdictOpt, review_filter
from .shared import cache_options, current_cache_flags, use_cache_url

if TYPE_CHECKING:
    from ..serve.server import AppCommand

TOKEN_ENV = "CASTVIEW_SERVE_TOKEN"
_TOKEN = re.compile(r"[A-Za-z0-9_\-]{16,}")

# Flags of `castview open` the app processes get on their command line, by parameter name.
_OPEN_FLAGS = {"theme": "--theme", "speed": "--speed", "idle_limit": "--idle-limit",
               "dst": "--dst", "bucket": "--bucket", "endpoint_url": "--endpoint-url", "region": "--region",
               "cache_url": "--cache-url"}
# Credentials go to the app processes in boto3's own variables, never on a command line.
_CREDENTIAL_ENV = {"access_key": "AWS_ACCESS_KEY_ID", "secret_key": "AWS_SECRET_ACCESS_KEY"}


def app_command(sources: list[str], options: dict[str, object]) -> AppCommand:
    """The `castview open` each browser tab runs: an argv list (the sources after `--`, so
    none is read as an option) and the credentials in its environment."""
    from ..reviews import UNREVIEWED
    from ..serve.server import AppCommand

    argv = [sys.executable, "-m", "castview", "open"]
    for name, flag in _OPEN_FLAGS.items():
        if options.get(name) is not None:
            argv += [flag, str(options[name])]
    review = options.get("review_filter")  # --unreviewed or --verdict V, as `open` takes it
    if review is not None:
        argv += ["--unreviewed"] if review == UNREVIEWED else ["--verdict", str(review)]
    if options.get("allow_cache_in_source"):
        argv.append("--allow-cache-in-source")
    env = {var: str(options[name]) for name, var in _CREDENTIAL_ENV.items() if options.get(name) is not None}
    return AppCommand(tuple([*argv, "--", *sources]), env, unset=(TOKEN_ENV,))


@s3_options
@cache_options
def serve_command(
    sources: list[str] | None = SourcesArg,
    host: str = typer.Option(
        "127.0.0.1", "--host",
        help="Address to listen on. Anything but loopback lets other machines in (with the token): "
        "prefer `tailscale serve` in front of 127.0.0.1 (see the README).",
    ),
    port: int = typer.Option(8566, "--port", min=0, max=65535, help="TCP port (0: any free port)."),
    token: str | None = typer.Option(
        None, "--token", envvar=TOKEN_ENV, show_default=False,
        help=f"The access token (16+ letters, digits, - or _); default: a new random one. Prefer ${TOKEN_ENV}: "
        "a command line is visible to other users.",
    ),
    theme: str | None = ThemeOpt,
    speed: float | None = SpeedOpt,
    idle_limit: float | None = IdleLimitOpt,
    unreviewed: bool = UnreviewedOpt,
    verdict: str | None = VerdictOpt,
) -> None:
    """Serve the app to web browsers: each tab gets its own app on SOURCE, like `castview open`.

    The printed URL carries the access token; requests without it get 403. Exports are
    downloads in the browser; nothing is written next to the recordings.
    """
    from rich.text import Text

    from ..serve.auth import is_loopback, new_token
    from ..serve.server import CastviewServer, ServeError, configure_logging

    if token is not None and not _TOKEN.fullmatch(token):
        raise typer.BadParameter("at least 16 characters, each a letter, digit, - or _", param_hint="--token")
    specs = list(sources or default_sources(samples=True))
    from ..sources.s3_url import is_s3_url

    for spec in specs:
        # Refused here, once, rather than as an error in every browser tab.
        if not is_s3_url(spec) and not os.path.exists(spec):
            fail(f"{spec}: no such file or directory")
    use_cache_url(specs)  # refused here, once, too
    options = {**current_s3_flags(), **current_cache_flags(), "theme": theme, "speed": speed, "idle_limit": idle_limit,
               "review_filter": review_filter(unreviewed, verdict)}
    if not is_loopback(host):
        err.print(Text(f"castview serve: warning: listening on {host}, which other machines can reach; anyone "
                       "with the URL can read every recording. Prefer the default 127.0.0.1 behind "
                       "`tailscale serve` (HTTPS, tailnet only).", style="bold yellow"))

    def listening(url: str) -> None:
        out.print(url, markup=False, highlight=False, soft_wrap=True)
        sys.stdout.flush()

    configure_logging()
    server = CastviewServer(app_command(specs, options), host=host, port=port,
                            token=token or new_token(), listening=listening)
    try:
        server.serve()
    except ServeError as exc:
        fail(str(exc))
