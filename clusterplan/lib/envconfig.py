"""Turn the environment's URLs into Django's CACHES and STORAGES settings.

Kept apart from settings.py so that tests can call them with any URL.
"""

from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured

CACHE_TABLE = "clusterplan_cache"


def cache_config(redis_url=""):
    """The default cache: Redis when ``redis_url`` is given, else a database table.

    Either way it is shared by every app server; never a per-process memory cache.
    """
    if redis_url:
        if not redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise ImproperlyConfigured(f"REDIS_URL must start with redis://, rediss:// or unix://, not {redis_url!r}.")
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis_url,
                "KEY_PREFIX": "clusterplan",
                "TIMEOUT": 300,
            }
        }
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            "TIMEOUT": 300,
            # The main pages' content is kept per user and page (clusterplan/lib/pagecache.py):
            # Django's default of 300 entries would be culled every few requests.
            "OPTIONS": {"MAX_ENTRIES": 20000, "CULL_FREQUENCY": 4},
        }
    }


def storage_config(storage_url="", subfolder=""):
    """The default file storage from ``STORAGE_URL``.

    - empty, or ``file:///absolute/path``: Django's FileSystemStorage (``MEDIA_ROOT``, or that path);
    - ``s3://bucket/optional/prefix?endpoint_url=https://…&region_name=…&addressing_style=path``:
      django-storages' S3Storage on any S3-compatible service (AWS, MinIO, Ceph, Scaleway …).
      Credentials come from ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` (boto3 reads them),
      never from the URL. Files are private: every link is signed and short-lived, and evidence
      is served only through the app's permission-checked views.

    ``subfolder`` puts a storage's files under their own prefix of the bucket (private evidence).
    """
    if not storage_url:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    parts = urlsplit(storage_url)
    if parts.scheme == "file":
        if not parts.path:
            raise ImproperlyConfigured("STORAGE_URL file:// needs an absolute path, e.g. file:///srv/clusterplan/media.")
        return {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": parts.path}}
    if parts.scheme == "s3":
        if not parts.netloc:
            raise ImproperlyConfigured("STORAGE_URL s3:// needs a bucket name, e.g. s3://clusterplan-files.")
        if parts.username or parts.password:
            raise ImproperlyConfigured("Put the bucket's keys in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, not in STORAGE_URL.")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        options = {
            "bucket_name": parts.netloc,
            "location": "/".join(p for p in (parts.path.strip("/"), subfolder.strip("/")) if p),
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        }
        for key in ("endpoint_url", "region_name", "addressing_style", "signature_version"):
            if key in query:
                options[key] = query[key]
        unknown = set(query) - {"endpoint_url", "region_name", "addressing_style", "signature_version"}
        if unknown:
            raise ImproperlyConfigured(f"Unknown STORAGE_URL option(s): {', '.join(sorted(unknown))}.")
        return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
    raise ImproperlyConfigured(f"STORAGE_URL must be empty, file:///path or s3://bucket, not {storage_url!r}.")
