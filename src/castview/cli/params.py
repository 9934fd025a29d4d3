"""Options as data, each defined once: `Param.option()` makes the typer option of the
typer app, and `castview ls`'s plain front end (cli/plain.py) reads the same table
by hand. Nothing here imports typer: the plain front end must start without it."""

from __future__ import annotations

from typing import Any, NamedTuple


class BadOption(ValueError):
    """An option's value that a command refuses; `hint` names the option(s), as typer's
    BadParameter shows it."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


class Param(NamedTuple):
    """One option: `default` False makes a flag, anything else a str | None option."""

    flags: tuple[str, ...]
    help: str
    default: bool | str | None = None
    envvar: str | None = None
    panel: str | None = None
    show_default: bool = True
    case_sensitive: bool = True

    @property
    def is_flag(self) -> bool:
        return isinstance(self.default, bool)

    def option(self) -> Any:
        """This option for a typer command's signature."""
        import typer

        return typer.Option(self.default, *self.flags, help=self.help, envvar=self.envvar,
                            rich_help_panel=self.panel, show_default=self.show_default,
                            case_sensitive=self.case_sensitive)


JSON = Param(("--json",), "Machine-readable output (JSON; the README lists the fields).", False)

# -- S3: tsrecorder-compatible options (cli/options.py's @s3_options), by parameter name ----
S3_PARAMS: dict[str, Param] = {
    "bucket": Param(("--bucket",), "The recorder's bucket: the default SOURCE when --dst is an S3 URL.",
                    envvar="TSRECORDER_BUCKET", panel="S3"),
    "dst": Param(("--dst",), "The recorder's destination: a directory, or an S3 URL such as "
                 "https://s3.us-east-1.amazonaws.com.", envvar="TSRECORDER_DST", panel="S3", show_default=False),
    "endpoint_url": Param(("--endpoint-url",), "S3-compatible endpoint (MinIO, R2, Ceph); default "
                          "$AWS_ENDPOINT_URL, else AWS.", panel="S3"),
    "region": Param(("--region",), "AWS region; default $AWS_REGION or the profile's.", panel="S3"),
    "access_key": Param(("--access-key",), "Access key ID; default boto3's chain ($AWS_ACCESS_KEY_ID, "
                        "$AWS_PROFILE, instance role...).", panel="S3", show_default=False),
    "secret_key": Param(("--secret-key",), "Secret access key (prefer $AWS_SECRET_ACCESS_KEY: the command line "
                        "is visible to other users).", panel="S3", show_default=False),
}

# -- filters shared by ls and grep (logic in castview.filters) ----------------------------
NODE = Param(("--node",), "Server's stable node ID (tsrecorder folder) or name; substring or glob.",
             panel="Filters")
USER = Param(("--user",), "Tailscale user (alice@example.com), SSH or local user, or tag; substring or glob.",
             panel="Filters")
HOST = Param(("--host",), "Client host (srcNode), server name (dstNode) or Kubernetes pod; substring or glob.",
             panel="Filters")
COMMAND = Param(("--command",), "Command of a non-interactive session; substring or glob.", panel="Filters")
SINCE = Param(("--since",), "Sessions running at or after: YYYY-MM-DD, RFC 3339, today, yesterday, a weekday, "
              "or 7d/24h ago.", panel="Filters")
UNTIL = Param(("--until",), "Sessions started before (a day means its end); same forms as --since.",
              panel="Filters")

# -- reviews (cli/reviews.py) ---------------------------------------------------------------
UNREVIEWED = Param(("--unreviewed",), "Only recordings without a review (or changed since).", False)
VERDICT = Param(("--verdict",), "Only recordings reviewed with this verdict: ok, concern, incident.")
