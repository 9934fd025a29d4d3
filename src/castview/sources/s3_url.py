"""S3 addresses as users write them: `s3://bucket[/prefix]` sources and tsrecorder `--dst` URLs.

Pure parsing, no boto3: the CLI and the tests use it without touching the network.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import urlsplit

SCHEME = "s3://"

# Real bucket names are 3-63 of [a-z0-9.-]; older buckets and S3-compatible stores also
# allow upper case and underscores, so accept those and let the server have the last word.
_BUCKET = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$")

# s3.us-east-1.amazonaws.com, s3-us-west-2.amazonaws.com, s3.dualstack.eu-west-1.amazonaws.com,
# s3.cn-north-1.amazonaws.com.cn ... (the region is the last label before amazonaws).
_AWS_HOST = re.compile(
    r"^(?:[^.]+\.)?s3(?:[.-]dualstack)?[.-](?P<region>[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d+)\.amazonaws\.com(?:\.cn)?$"
)
_USERINFO = re.compile(r"(?<=://)[^/\s@]*@")


def without_userinfo(text: str) -> str:
    """`text` with the user and password of every URL in it removed
    (http://user:password@host -> http://host): what is printed or kept never holds them."""
    return _USERINFO.sub("", text)


_AWS_GLOBAL = {"s3.amazonaws.com", "s3-external-1.amazonaws.com"}


class S3Url(NamedTuple):
    """`s3://bucket/key`: key is a prefix ("" for the whole bucket) or an object key."""

    bucket: str
    key: str

    def __str__(self) -> str:
        return f"{SCHEME}{self.bucket}/{self.key}" if self.key else f"{SCHEME}{self.bucket}"

    @property
    def name(self) -> str:
        return self.key.rstrip("/").rsplit("/", 1)[-1]


def is_s3_url(text: object) -> bool:
    return isinstance(text, str) and text[:5].lower() == SCHEME


def parse_s3_url(text: str) -> S3Url:
    """`s3://bucket`, `s3://bucket/`, `s3://bucket/prefix/` or `s3://bucket/key`.

    Raises ValueError with a message fit for the user.
    """
    if not is_s3_url(text):
        raise ValueError(f"{text!r} is not an s3:// URL")
    rest = text[len(SCHEME):]
    bucket, _, key = rest.partition("/")
    if not bucket:
        raise ValueError(f"{text!r}: no bucket name (expected s3://BUCKET[/PREFIX])")
    if not _BUCKET.match(bucket):
        raise ValueError(f"{text!r}: {bucket!r} is not a valid bucket name")
    return S3Url(bucket, key.lstrip("/"))


def is_url(text: str | None) -> bool:
    """Whether a tsrecorder --dst names object storage rather than a directory."""
    return bool(text) and (is_s3_url(text) or text.lower().startswith(("https://", "http://")))  # type: ignore[union-attr]


class DstEndpoint(NamedTuple):
    """What an S3 `--dst` URL says about where to connect."""

    endpoint_url: str | None  # None for AWS itself: boto3 derives the endpoint from the region
    region: str | None


def endpoint_from_dst(dst: str) -> DstEndpoint:
    """`https://s3.us-east-1.amazonaws.com` gives the region us-east-1 and AWS's own endpoint;
    any other http(s) URL (MinIO, R2, Ceph) is used as the endpoint."""
    parts = urlsplit(dst)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise ValueError(f"{dst!r} is not an http(s) URL")
    m = _AWS_HOST.match(host)
    if m and parts.scheme == "https":
        return DstEndpoint(None, m.group("region"))
    if host in _AWS_GLOBAL and parts.scheme == "https":
        return DstEndpoint(None, None)
    return DstEndpoint(f"{parts.scheme}://{parts.netloc}", None)
