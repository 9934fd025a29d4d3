"""The shared analysis cache in an S3 bucket (``analysis.shared``): `--cache-url s3://BUCKET/PREFIX`."""

from __future__ import annotations

from collections.abc import Sequence

from ..analysis.shared import SharedCache
from .s3 import S3Error, S3Options, connection_for
from .s3_url import S3Url, is_s3_url, parse_s3_url


class S3Blobs:
    """Blobs under a prefix of a bucket (see analysis.shared.BlobStore). Picklable: the
    connection is the process's for these options."""

    def __init__(self, url: S3Url, options: S3Options) -> None:
        self.url = url
        self.options = options
        self.label = str(url)

    def _key(self, name: str) -> str:
        prefix = self.url.key.rstrip("/")
        return f"{prefix}/{name}" if prefix else name

    def get(self, name: str, limit: int) -> bytes | None:
        from botocore.exceptions import BotoCoreError
        from urllib3.exceptions import HTTPError

        conn = connection_for(self.options)
        key = self._key(name)
        where = f"s3://{self.url.bucket}/{key}"
        try:
            response = conn.call("get_object", where, self.url.bucket, Key=key)
        except S3Error as exc:
            if exc.code == "NoSuchKey":
                return None
            raise
        length = int(response.get("ContentLength") or 0)
        body = response["Body"]
        try:
            if length > limit:
                raise ValueError(f"{length} bytes, over the {limit} an entry of this recording may take")
            data = body.read(limit + 1)
        except (BotoCoreError, HTTPError, OSError) as exc:
            raise ValueError(f"cut off ({type(exc).__name__})") from exc
        finally:
            body.close()
        if len(data) != length:
            raise ValueError(f"{len(data)} bytes where S3 announced {length}")
        conn.stats.add_bytes(len(data))
        return data

    def put(self, name: str, data: bytes) -> None:
        key = self._key(name)
        connection_for(self.options).call("put_object", f"s3://{self.url.bucket}/{key}", self.url.bucket, Key=key,
                                          Body=data, ContentType="application/octet-stream")

    def exists(self, name: str) -> bool:
        key = self._key(name)
        try:
            connection_for(self.options).call("head_object", f"s3://{self.url.bucket}/{key}", self.url.bucket, Key=key)
        except S3Error as exc:
            if exc.code == "NoSuchKey":
                return False
            raise
        return True


def shared_cache(url: str, options: S3Options, sources: Sequence[str], allow_in_source: bool = False) -> SharedCache:
    """The shared cache at `url` (s3://BUCKET[/PREFIX]), for reading the recordings of
    `sources` (what the user named: paths, s3:// URLs). Raises ValueError, fit for the
    user, for a URL that is not one, or in the bucket of a source in S3, unless
    `allow_in_source`: the cache would write where recorders write (a bucket's prefix
    that holds no recording of ours may be another node's)."""
    if not is_s3_url(url):
        raise ValueError(f"{url!r}: the shared cache must be an s3://BUCKET/PREFIX URL")
    cache = parse_s3_url(url)
    for spec in () if allow_in_source else sources:
        if is_s3_url(spec) and parse_s3_url(spec).bucket == cache.bucket:
            raise ValueError(
                f"the shared cache {url} is in the bucket of the recordings' {spec}: castview does not write where "
                "recordings are; give the cache a bucket of its own (or --allow-cache-in-source)")
    return SharedCache(S3Blobs(cache, options))
