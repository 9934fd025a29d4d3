"""Recordings in an S3 bucket (or an S3-compatible store) written by tsrecorder.

Listing is lazy: the node folders first (a delimiter listing), then each node's recordings
(paginated list_objects_v2, several nodes at a time). Nothing is downloaded to list.

`open()` gives a seekable, read-only file backed by ranged GETs, so the catalog reads a
header and a tail in two small requests and a player sees its first frame after a few
more. Once a file is read beyond its head and tail (a replay, an export, an index build),
the rest of the object downloads in the background into the local cache (`s3_cache.py`),
which serves every byte already fetched, in this run and the next ones, for as long as the
object's ETag and size are unchanged. Every GET carries If-Match, so an object replaced
mid-read is reported instead of mixing two versions.

Every boto3 failure becomes an `S3Error` (a `SourceError` that is also an `OSError`, so
code that reads files handles it) naming the bucket or object and the fix. Credentials
never appear in messages.
"""

from __future__ import annotations

import atexit
import io
import os
import threading
import time
import weakref
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from .base import RecordingRef, SourceError
from .layout import is_candidate, looks_like_node_id, name_time_ns
from .s3_cache import DEFAULT_MAX_BYTES, CacheFile, ObjectCache, parse_size
from .s3_url import S3Url, endpoint_from_dst, is_s3_url, is_url, parse_s3_url, without_userinfo

READ_MIN = 64 << 10  # a first read: enough for a header line and the first screens
READ_MAX = 8 << 20  # sequential reads double their fetch up to this
SMALL_OBJECT = 256 << 10  # objects up to this size are fetched whole by their first read
FILL_CHUNK = 4 << 20  # background download unit
FILL_THREADS = 3  # parallel ranged GETs per object being filled
FILL_CONNECTIONS = 6  # parallel background GETs over all objects
FILL_AFTER = 3  # foreground fetches of one object before its background download starts
MAX_DEPTH = 8  # folder levels walked below a node folder


class S3Error(SourceError, OSError):
    """An S3 request that failed; the message names the bucket or object and the fix.
    `code` is S3's error code (NoSuchKey, AccessDenied...) when there was one."""

    code: str = ""

    @classmethod
    def with_code(cls, message: str, code: str) -> S3Error:
        error = cls(message)
        error.code = code
        return error


def _env_cache_max() -> int:
    text = os.environ.get("CASTVIEW_S3_CACHE_MAX")
    if not text:
        return DEFAULT_MAX_BYTES
    try:
        return parse_size(text)
    except ValueError:
        return DEFAULT_MAX_BYTES


def _env_int(name: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(name, default)))
    except ValueError:
        return default


@dataclass(frozen=True)
class S3Options:
    """How to reach the store. Unset fields fall back to boto3's own chain (AWS_PROFILE,
    AWS_ACCESS_KEY_ID, AWS_REGION, AWS_ENDPOINT_URL, ~/.aws, instance roles...)."""

    endpoint_url: str | None = None
    """An S3-compatible endpoint (MinIO, R2, Ceph); None for AWS."""
    region: str | None = None
    access_key: str | None = field(default=None, repr=False)
    secret_key: str | None = field(default=None, repr=False)
    cache_dir: Path | None = None
    """Where downloaded bytes are kept; None for castview's cache dir + /s3."""
    cache_max: int = field(default_factory=_env_cache_max)
    """Bytes the cache may hold before least recently used objects are evicted
    ($CASTVIEW_S3_CACHE_MAX, e.g. 500M; default 2 GiB)."""
    max_attempts: int = field(default_factory=lambda: _env_int("CASTVIEW_S3_MAX_ATTEMPTS", 5))
    """Tries per request (throttling, 5xx and connection errors are retried with backoff)."""
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    page_size: int = 1000
    """Keys per list request (1000 is S3's maximum)."""
    list_workers: int = 8
    """Node folders listed at once."""

    @classmethod
    def from_recorder_flags(
        cls,
        dst: str | None = None,
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key: str | None = None,
        secret_key: str | None = None,
        **more: Any,
    ) -> S3Options:
        """Options from tsrecorder-style flags: an S3 region URL as `dst` gives the region
        (AWS) or the endpoint (anything else) unless given explicitly."""
        if (access_key is None) != (secret_key is None):
            raise ValueError("give both --access-key and --secret-key, or neither")
        if dst and is_url(dst) and not is_s3_url(dst):
            derived = endpoint_from_dst(dst)
            endpoint_url = endpoint_url or derived.endpoint_url
            region = region or derived.region
        return cls(endpoint_url=endpoint_url or None, region=region or None,
                   access_key=access_key or None, secret_key=secret_key or None, **more)


def default_s3_source(dst: str | None, bucket: str | None) -> str | None:
    """The source a recorder's own settings name: `s3://BUCKET` when `--dst` is an S3 URL
    (or absent) and a bucket is set, `dst` itself when it is an s3:// URL. Raises
    ValueError when `dst` is an S3 URL and no bucket is given."""
    if dst and is_s3_url(dst):
        return dst
    if dst and not is_url(dst):
        return None  # a directory
    if bucket:
        return f"s3://{bucket}"
    if dst:
        raise ValueError(f"--dst/TSRECORDER_DST is an S3 URL ({dst}); set --bucket or TSRECORDER_BUCKET too")
    return None


# -- the connection ------------------------------------------------------------------------

@dataclass
class S3Stats:
    """Requests made and bytes downloaded, for tests, benchmarks and the curious."""

    requests: dict[str, int] = field(default_factory=dict)
    bytes_downloaded: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, operation: str) -> None:
        with self._lock:
            self.requests[operation] = self.requests.get(operation, 0) + 1

    def add_bytes(self, nbytes: int) -> None:
        with self._lock:
            self.bytes_downloaded += nbytes

    @property
    def gets(self) -> int:
        return self.requests.get("get_object", 0)

    def snapshot(self) -> tuple[dict[str, int], int]:
        with self._lock:
            return dict(self.requests), self.bytes_downloaded


_CREDENTIAL_FIX = "set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or --access-key/--secret-key (or AWS_PROFILE)"


class S3Connection:
    """One boto3 client (thread-safe) and the translation of its errors."""

    def __init__(self, options: S3Options) -> None:
        self.options = options
        self.stats = S3Stats()
        self._client: Any = None
        self._lock = threading.Lock()

    @property
    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                self._client = self._make_client()
            return self._client

    def _make_client(self) -> Any:
        import boto3
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError

        o = self.options
        config = Config(
            retries={"total_max_attempts": o.max_attempts, "mode": "standard"},
            connect_timeout=o.connect_timeout,
            read_timeout=o.read_timeout,
            max_pool_connections=max(32, o.list_workers * 2 + FILL_CONNECTIONS),
            user_agent_extra="castview",
        )
        try:
            session = boto3.session.Session(
                aws_access_key_id=o.access_key, aws_secret_access_key=o.secret_key, region_name=o.region
            )
            return session.client("s3", endpoint_url=o.endpoint_url, config=config)
        except BotoCoreError as exc:
            if type(exc).__name__ == "ProfileNotFound":
                raise S3Error(f"{exc}; check AWS_PROFILE") from exc
            raise S3Error(
                self._redact(f"cannot set up the S3 client ({exc}); check --endpoint-url and --region")
            ) from exc
        except ValueError as exc:  # botocore: "Invalid endpoint: ..."
            raise S3Error(self._redact(f"{exc}; check --endpoint-url (e.g. https://minio.example.com:9000)")) from exc

    def _client_for(self, where: str) -> Any:
        try:
            return self.client
        except S3Error as exc:
            raise S3Error(f"{where}: {exc}") from exc

    @property
    def endpoint(self) -> str:
        """The endpoint, for messages and cache keys: without a user and password."""
        try:
            return without_userinfo(self.client.meta.endpoint_url)
        except S3Error:
            return without_userinfo(self.options.endpoint_url or "AWS S3")

    def call(self, operation: str, where: str, bucket: str, **params: Any) -> Any:
        """client.<operation>(Bucket=bucket, **params), errors turned into S3Error."""
        from botocore.exceptions import BotoCoreError, ClientError

        client = self._client_for(where)
        self.stats.count(operation)
        try:
            return getattr(client, operation)(Bucket=bucket, **params)
        except (ClientError, BotoCoreError) as exc:
            raise self.translate(exc, where, bucket) from exc

    def pages(self, where: str, bucket: str, **params: Any) -> Iterator[dict]:
        """The pages of a list_objects_v2 listing, errors turned into S3Error."""
        from botocore.exceptions import BotoCoreError, ClientError

        paginator = self._client_for(where).get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(Bucket=bucket, **params):
                self.stats.count("list_objects_v2")
                yield page
        except (ClientError, BotoCoreError) as exc:
            raise self.translate(exc, where, bucket) from exc

    def _redact(self, text: str) -> str:
        secret = self.options.secret_key
        env_secret = os.environ.get("AWS_SECRET_ACCESS_KEY")
        for value in (secret, env_secret, os.environ.get("AWS_SESSION_TOKEN")):
            if value and len(value) >= 4:
                text = text.replace(value, "***")
        return without_userinfo(text)

    def translate(self, exc: Exception, where: str, bucket: str) -> S3Error:
        from botocore import exceptions as bx

        endpoint = self.endpoint
        attempts = self.options.max_attempts
        if isinstance(exc, bx.NoCredentialsError):
            msg = f"{where}: no AWS credentials found; {_CREDENTIAL_FIX}"
        elif isinstance(exc, bx.PartialCredentialsError):
            msg = f"{where}: incomplete AWS credentials ({exc.kwargs.get('cred_var')} is missing); {_CREDENTIAL_FIX}"
        elif isinstance(exc, bx.CredentialRetrievalError):
            msg = f"{where}: could not get credentials from {exc.kwargs.get('provider')}; {_CREDENTIAL_FIX}"
        elif isinstance(exc, (bx.EndpointConnectionError, bx.ConnectTimeoutError, bx.ConnectionClosedError,
                              bx.ProxyConnectionError)):
            msg = (f"{where}: cannot reach the S3 endpoint {endpoint} (tried {attempts} times); "
                   "check --endpoint-url, --region and the network")
        elif isinstance(exc, bx.ReadTimeoutError):
            msg = (f"{where}: the S3 endpoint {endpoint} did not answer within {self.options.read_timeout:g} s; "
                   "try again later")
        elif isinstance(exc, bx.ClientError):
            msg = self._client_error(exc, where, bucket, endpoint)
            code = str(exc.response.get("Error", {}).get("Code", ""))
            return S3Error.with_code(self._redact(msg), "NoSuchKey" if code in ("404", "NotFound") else code)
        else:
            msg = f"{where}: {exc}"
        return S3Error(self._redact(msg))

    @staticmethod
    def _client_error(exc: Any, where: str, bucket: str, endpoint: str) -> str:
        error = exc.response.get("Error", {})
        meta = exc.response.get("ResponseMetadata", {})
        code = str(error.get("Code", ""))
        status = int(meta.get("HTTPStatusCode") or (code if code.isdigit() else 0))
        tries = int(meta.get("RetryAttempts", 0)) + 1
        if code == "NoSuchBucket":
            return (f"{where}: bucket {bucket!r} does not exist at {endpoint}; "
                    "check the bucket name, --region and --endpoint-url")
        if code in ("NoSuchKey", "404", "NotFound"):
            return f"{where}: no such object (deleted since it was listed?)"
        if code == "InvalidAccessKeyId":
            return f"{where}: the access key ID is not known to {endpoint}; {_CREDENTIAL_FIX}"
        if code == "SignatureDoesNotMatch":
            return (f"{where}: the secret key does not match the access key ID; "
                    "check AWS_SECRET_ACCESS_KEY or --secret-key")
        if code in ("ExpiredToken", "TokenRefreshRequired", "InvalidToken", "ExpiredTokenException"):
            return f"{where}: the session token has expired or is invalid; refresh the credentials (e.g. aws sso login)"
        if code in ("AccessDenied", "AllAccessDisabled", "403", "Forbidden") or status == 403:
            return (f"{where}: access denied; the credentials in use need s3:ListBucket and s3:GetObject on "
                    f"bucket {bucket!r} (check the bucket policy, or {_CREDENTIAL_FIX})")
        if code in ("PreconditionFailed", "412") or status == 412:
            return f"{where}: the object changed while it was being read; open it again"
        if code in ("PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException",
                    "301") or status == 301:
            return f"{where}: bucket {bucket!r} is in another region; set --region (or AWS_REGION)"
        if code in ("InvalidRange", "416") or status == 416:
            return f"{where}: the object is shorter than when it was listed (changed?); open it again"
        if status >= 500 or code in ("SlowDown", "Throttling", "ThrottlingException", "RequestTimeout",
                                     "ServiceUnavailable", "InternalError", "TooManyRequests"):
            return (f"{where}: S3 is failing or throttling ({code or 'HTTP'} {status}) after {tries} attempts; "
                    "try again later")
        detail = str(error.get("Message") or "").strip()
        return f"{where}: S3 error {code or status}" + (f": {detail}" if detail else "")


_connections: dict[S3Options, S3Connection] = {}
_caches: dict[tuple[Path | None, int], ObjectCache] = {}
_shared_lock = threading.Lock()


def connection_for(options: S3Options) -> S3Connection:
    with _shared_lock:
        conn = _connections.get(options)
        if conn is None:
            conn = _connections[options] = S3Connection(options)
        return conn


def cache_for(options: S3Options) -> ObjectCache:
    directory = options.cache_dir
    if directory is None:
        from ..config import cache_dir

        directory = cache_dir() / "s3"
    with _shared_lock:
        key = (Path(directory), options.cache_max)
        cache = _caches.get(key)
        if cache is None:
            cache = _caches[key] = ObjectCache(Path(directory), options.cache_max)
        return cache


# -- one object: ranged reads through the cache ----------------------------------------------

_STOPPING = threading.Event()
_FILL_SLOTS = threading.BoundedSemaphore(FILL_CONNECTIONS)
_fillers: weakref.WeakSet[threading.Thread] = weakref.WeakSet()


def _shutdown() -> None:
    """Stop background downloads at exit, letting each finish its chunk and save its state."""
    _STOPPING.set()
    for thread in list(_fillers):
        thread.join(timeout=5)


atexit.register(_shutdown)


class S3Object:
    """One version of one object: which bytes are cached, which are being fetched.

    Readers share it (one per object version per process): a byte range is fetched once,
    whoever asks first; others wait for it. All state is guarded by one condition.
    """

    def __init__(self, conn: S3Connection, cache: ObjectCache, bucket: str, key: str, etag: str,
                 size: int, mtime: float) -> None:
        self.conn, self.bucket, self.key, self.etag, self.size, self.mtime = conn, bucket, key, etag, size, mtime
        self.location = f"s3://{bucket}/{key}"
        self._cache = cache
        self._entry: CacheFile = cache.entry(
            {"endpoint": conn.endpoint, "bucket": bucket, "key": key, "etag": etag, "size": size}, size
        )
        self._cond = threading.Condition()
        self._inflight: list[tuple[int, int]] = []
        self._refs = 0
        self._fg_fetches = 0
        self._fill_threads = 0
        self._fill_cursor = 0
        self.fill_error: S3Error | None = None

    # -- references ----------------------------------------------------------------------
    def acquire(self) -> None:
        with self._cond:
            if self._refs == 0 and self._fill_threads == 0:
                self._cache.hold(self._entry)
                try:
                    self._entry.open()
                except OSError:
                    # The cache dir went away or is read-only: keep working from a scratch copy.
                    self._cache.release(self._entry)
                    self._entry = self._cache.scratch_entry(self._entry)
                    self._cache.hold(self._entry)
                    self._entry.open()
            self._refs += 1

    def release(self) -> None:
        with self._cond:
            self._refs -= 1
            self._maybe_close()

    def _maybe_close(self) -> None:
        if self._refs == 0 and self._fill_threads == 0:
            self._entry.close()
            self._cache.release(self._entry)

    @property
    def cached_bytes(self) -> int:
        with self._cond:
            return self._entry.ranges.total

    @property
    def complete(self) -> bool:
        with self._cond:
            return self._entry.complete

    @property
    def cache_path(self) -> Path:
        return self._entry.data_path

    # -- reading ---------------------------------------------------------------------------
    def read(self, pos: int, n: int, readahead: int = READ_MIN) -> bytes:
        """Up to n bytes at pos (fewer at the end of a cached run or of the object)."""
        end = min(pos + n, self.size)
        if pos >= end:
            return b""
        with self._cond:
            while True:
                run = self._entry.ranges.run_end(pos)
                if run is not None:
                    stop = min(end, run)
                    break
                if any(s <= pos < e for s, e in self._inflight):
                    self._cond.wait()
                    continue
                start, stop = self._claim(pos, max(n, readahead))
                self._fg_fetches += 1
                if self._fg_fetches >= FILL_AFTER:
                    self._fill_cursor = stop
                    self._start_fill()
                break
        if run is not None:
            return self._entry.pread(pos, stop)
        data, _ = self._fetch(start, stop)
        return data[: end - pos]

    def _claim(self, pos: int, want: int) -> tuple[int, int]:
        """Mark [pos, pos + want) as being fetched, clipped to what is cached or in flight
        beyond it. Call with the lock held."""
        stop = self.size if self.size <= SMALL_OBJECT else min(self.size, pos + want)
        nxt = self._entry.ranges.next_start(pos)
        if nxt is not None:
            stop = min(stop, nxt)
        for s, _ in self._inflight:
            if pos < s < stop:
                stop = s
        self._inflight.append((pos, stop))
        return pos, stop

    def _fetch(self, start: int, stop: int) -> tuple[bytes, bool]:
        """GET a claimed range and store it (stored: False when the cache file cannot be
        written, e.g. a full disk: the bytes are still served). Waiters are woken either way."""
        try:
            data = self._get(start, stop)
        except BaseException:
            with self._cond:
                self._inflight.remove((start, stop))
                self._cond.notify_all()
            raise
        try:
            self._entry.pwrite(start, data)
            stored = True
        except OSError:
            stored = False  # disk full: serve the bytes, do not cache them
        with self._cond:
            self._inflight.remove((start, stop))
            if stored:
                self._entry.mark(start, stop)
            self._cond.notify_all()
        if stored:
            self._cache.note_written(stop - start)  # may evict other entries: not under our lock
        return data, stored

    def _get(self, start: int, stop: int) -> bytes:
        from botocore.exceptions import BotoCoreError
        from urllib3.exceptions import HTTPError

        problem = ""
        for _ in range(max(1, self.conn.options.max_attempts)):
            response = self.conn.call("get_object", self.location, self.bucket, Key=self.key,
                                      Range=f"bytes={start}-{stop - 1}", IfMatch=self.etag)
            body = response["Body"]
            try:
                data = body.read()
            except (BotoCoreError, HTTPError, OSError) as exc:
                problem = type(exc).__name__
                continue
            finally:
                body.close()
            self.conn.stats.add_bytes(len(data))
            if len(data) == stop - start:
                return data
            problem = f"{len(data)} of {stop - start} bytes"
        raise S3Error(f"{self.location}: the download was cut off ({problem}); check the network and try again")

    # -- background download -----------------------------------------------------------
    def prefetch(self) -> None:
        """Download the rest of the object in the background (if it is not cached yet)."""
        with self._cond:
            self._start_fill()

    def _start_fill(self) -> None:
        if self._fill_threads or self._entry.complete or _STOPPING.is_set() or self._refs == 0:
            return
        self._fill_threads = FILL_THREADS if self.size > FILL_CHUNK else 1
        for i in range(self._fill_threads):
            thread = threading.Thread(target=self._fill, name=f"castview-s3-fill-{i}", daemon=True)
            _fillers.add(thread)
            thread.start()

    def _next_gap(self) -> tuple[int, int] | None:
        """The first byte range neither cached nor in flight, from the cursor onwards (then
        from the start), claimed. Call with the lock held."""
        for origin in (self._fill_cursor, 0):
            pos = origin
            while pos < self.size:
                run = self._entry.ranges.run_end(pos)
                if run is not None:
                    pos = run
                    continue
                busy = [e for s, e in self._inflight if s <= pos < e]
                if busy:
                    pos = max(busy)
                    continue
                start, stop = self._claim(pos, FILL_CHUNK)
                self._fill_cursor = stop
                return start, stop
        return None

    def _fill(self) -> None:
        try:
            while not _STOPPING.is_set():
                with self._cond:
                    if self.fill_error is not None:
                        break
                    gap = self._next_gap()
                if gap is None:
                    break
                try:
                    with _FILL_SLOTS:
                        _, stored = self._fetch(*gap)
                except S3Error as exc:
                    with self._cond:
                        self.fill_error = exc
                    break
                except Exception as exc:  # reported to whoever waits for the download
                    with self._cond:
                        self.fill_error = S3Error(
                            f"{self.location}: background download failed ({type(exc).__name__}: {exc})"
                        )
                    break
                if not stored:
                    with self._cond:
                        self.fill_error = S3Error(f"{self.location}: cannot write the cache file "
                                                  f"{self._entry.data_path}; free some space or set CASTVIEW_CACHE_DIR")
                    break
                with self._cond:
                    self._entry.save(every=2.0)
        finally:
            with self._cond:
                self._fill_threads -= 1
                if self._fill_threads == 0:
                    self._entry.save()
                    self._maybe_close()
                self._cond.notify_all()

    def wait_complete(self, timeout: float | None = None) -> bool:
        """Download whatever is missing and wait for it; raises the download's error.
        The caller must hold a reference (acquire, or an open reader)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            self.fill_error = None
            while not self._entry.complete and not _STOPPING.is_set():
                if self.fill_error is not None:
                    raise self.fill_error
                if self._fill_threads == 0 and not self._inflight:
                    self._start_fill()
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    break
                self._cond.wait(remaining if remaining is not None else 1.0)
            return self._entry.complete


_objects: weakref.WeakValueDictionary[tuple, S3Object] = weakref.WeakValueDictionary()


def shared_object(conn: S3Connection, cache: ObjectCache, bucket: str, key: str, etag: str, size: int,
                  mtime: float) -> S3Object:
    """The process-wide S3Object of this object version, so readers share fetched bytes."""
    ident = (id(conn), id(cache), bucket, key, etag, size)
    with _shared_lock:
        obj = _objects.get(ident)
        if obj is None:
            obj = S3Object(conn, cache, bucket, key, etag, size, mtime)
            _objects[ident] = obj
        return obj


class S3RawReader(io.RawIOBase):
    """A read-only, seekable view of an S3Object. Wrap it in io.BufferedReader."""

    def __init__(self, obj: S3Object) -> None:
        super().__init__()
        obj.acquire()
        self._obj = obj
        self._pos = 0
        self._next = -1  # where a sequential read would continue
        self._readahead = READ_MIN
        self.bytes_read = 0

    @property
    def name(self) -> str:
        return self._obj.location

    @property
    def s3_object(self) -> S3Object:
        return self._obj

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._checkClosed()
        if whence == io.SEEK_SET:
            pos = offset
        elif whence == io.SEEK_CUR:
            pos = self._pos + offset
        elif whence == io.SEEK_END:
            pos = self._obj.size + offset
        else:
            raise ValueError(f"invalid whence {whence}")
        if pos < 0:
            raise OSError(22, "negative seek position")
        self._pos = pos
        return pos

    def readinto(self, buffer: Any) -> int:
        self._checkClosed()
        view = memoryview(buffer).cast("B")
        if self._pos == self._next:
            self._readahead = min(READ_MAX, self._readahead * 2)
        else:
            self._readahead = READ_MIN
        data = self._obj.read(self._pos, len(view), self._readahead)
        n = len(data)
        view[:n] = data
        self._pos += n
        self._next = self._pos
        self.bytes_read += n
        return n

    def readall(self) -> bytes:
        chunks = []
        while True:
            chunk = self.read(max(READ_MAX, self._obj.size - self._pos))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)

    def close(self) -> None:
        if not self.closed:
            self._obj.release()
        super().close()


def open_object(obj: S3Object, buffer_size: int = READ_MIN) -> BinaryIO:
    return io.BufferedReader(S3RawReader(obj), buffer_size=buffer_size)  # type: ignore[return-value]


# -- the source --------------------------------------------------------------------------------

def _mtime(value: Any) -> float:
    return value.timestamp() if isinstance(value, datetime) else 0.0


class S3Source:
    """`s3://bucket[/prefix]`: a tsrecorder bucket, a folder in it, or one object."""

    def __init__(self, url: str, options: S3Options | None = None) -> None:
        try:
            parsed = parse_s3_url(url)
        except ValueError as exc:
            raise SourceError(str(exc)) from None
        self.label = url
        self.url = parsed
        self.bucket = parsed.bucket
        self.options = options or S3Options()
        self.conn = connection_for(self.options)
        self.cache = cache_for(self.options)

    @property
    def stats(self) -> S3Stats:
        return self.conn.stats

    def __repr__(self) -> str:
        return f"S3Source({self.label!r})"

    # -- listing -----------------------------------------------------------------------
    def refs(self) -> Iterator[RecordingRef]:
        key = self.url.key
        named_object = bool(key) and not key.endswith("/") and is_candidate((self.url.name,))
        if named_object:
            single = self._single(key)
            if single is not None:
                yield single
                return
        prefix = key if not key or key.endswith("/") else key + "/"
        objects, folders = self._list_level(prefix)
        if named_object and not objects and not folders:
            raise S3Error.with_code(f"{self.label}: no such object (nor a folder of that name)", "NoSuchKey")
        yield from self._refs(prefix, objects)
        folders = [f for f in folders if self._walkable(f[len(prefix):])]
        with ThreadPoolExecutor(max_workers=self.options.list_workers, thread_name_prefix="castview-s3-list") as pool:
            try:
                for found in pool.map(lambda folder: self._walk(prefix, folder, 1), folders):
                    yield from self._refs(prefix, found)
            finally:
                pool.shutdown(wait=False, cancel_futures=True)

    @staticmethod
    def _walkable(name: str) -> bool:
        name = name.rstrip("/")
        return bool(name) and name != "events" and not name.startswith(".")

    def _list_level(self, prefix: str) -> tuple[list[dict], list[str]]:
        objects: list[dict] = []
        folders: list[str] = []
        where = f"s3://{self.bucket}/{prefix}" if prefix else f"s3://{self.bucket}"
        for page in self.conn.pages(where, self.bucket, Prefix=prefix, Delimiter="/",
                                    PaginationConfig={"PageSize": self.options.page_size}):
            objects.extend(page.get("Contents", ()))
            folders.extend(p["Prefix"] for p in page.get("CommonPrefixes", ()))
        return objects, folders

    def _walk(self, root: str, folder: str, depth: int) -> list[dict]:
        objects, folders = self._list_level(folder)
        if depth < MAX_DEPTH:
            for sub in folders:
                if self._walkable(sub[len(folder):]):
                    objects.extend(self._walk(root, sub, depth + 1))
        return objects

    def _refs(self, prefix: str, objects: list[dict]) -> Iterator[RecordingRef]:
        for obj in objects:
            key = obj["Key"]
            parts = tuple(key[len(prefix):].split("/"))
            if not is_candidate(parts):
                continue
            yield self._ref(key, parts, int(obj.get("Size", 0)), _mtime(obj.get("LastModified")), obj.get("ETag", ""))

    def _ref(self, key: str, parts: tuple[str, ...], size: int, mtime: float, etag: str,
             explicit: bool = False) -> RecordingRef:
        name = parts[-1]
        parent = parts[-2] if len(parts) >= 2 else ""
        if explicit:
            parent = key.rsplit("/", 2)[-2] if key.count("/") >= 1 else ""
        node_dir = parent if parent and (looks_like_node_id(parent) or name_time_ns(name) is not None) else None
        location = f"s3://{self.bucket}/{key}"
        return RecordingRef(
            source=self.label,
            location=location,
            key=key,
            node_dir=node_dir,
            name_time_ns=name_time_ns(name),
            size=size,
            mtime=mtime,
            may_grow=False,
            etag=etag,
        )

    def _single(self, key: str) -> RecordingRef | None:
        """The one object a source URL names, or None when it is a folder after all."""
        try:
            head = self.head(key)
        except S3Error as exc:
            if exc.code == "NoSuchKey":
                return None
            raise
        return self._ref(key, (self.url.name,), head["size"], head["mtime"], head["etag"], explicit=True)

    def head(self, key: str) -> dict[str, Any]:
        response = self.conn.call("head_object", f"s3://{self.bucket}/{key}", self.bucket, Key=key)
        return {"size": int(response.get("ContentLength", 0)), "mtime": _mtime(response.get("LastModified")),
                "etag": response.get("ETag", "")}

    # -- reading -------------------------------------------------------------------------
    def object(self, ref: RecordingRef) -> S3Object:
        """The shared S3Object behind a ref (a HEAD request if the ref was not listed here)."""
        etag, size, mtime = ref.etag, ref.size, ref.mtime
        if etag is None:
            head = self.head(ref.key)
            etag, size, mtime = head["etag"], head["size"], head["mtime"]
        return shared_object(self.conn, self.cache, self.bucket, ref.key, etag, size, mtime)

    def open(self, ref: RecordingRef) -> BinaryIO:
        return open_object(self.object(ref))

    def prefetch(self, ref: RecordingRef) -> None:
        """Start downloading a recording in the background (e.g. when a player opens it)."""
        obj = self.object(ref)
        with open_object(obj):
            obj.prefetch()

    def ref_for(self, key: str) -> RecordingRef:
        """A ref of one object by key (one HEAD request)."""
        head = self.head(key)
        parts = tuple(key.split("/"))
        return self._ref(key, parts, head["size"], head["mtime"], head["etag"], explicit=True)


def open_url(url: str, options: S3Options | None = None) -> tuple[S3Source, RecordingRef]:
    """The source and ref of one object named by `s3://bucket/key`. Raises SourceError."""
    try:
        parsed = parse_s3_url(url)
    except ValueError as exc:
        raise SourceError(str(exc)) from None
    if not parsed.key or parsed.key.endswith("/"):
        raise SourceError(f"{url}: names a bucket or folder, not a recording (expected s3://BUCKET/KEY)")
    source = S3Source(str(S3Url(parsed.bucket, "")), options)
    return source, source.ref_for(parsed.key)


_held: list[S3Object] = []


def local_copy(source: S3Source, ref: RecordingRef, timeout: float | None = None) -> Path:
    """The whole object downloaded into the cache; the path stays valid until exit."""
    obj = source.object(ref)
    obj.acquire()  # held until exit so the file is not evicted while the caller reads it
    _held.append(obj)
    if not obj.wait_complete(timeout):
        raise S3Error(f"{ref.location}: the download did not finish")
    return obj.cache_path


__all__ = [
    "S3Error", "S3Object", "S3Options", "S3RawReader", "S3Source", "S3Stats", "cache_for", "connection_for",
    "default_s3_source", "is_s3_url", "local_copy", "open_object", "open_url",
]
