"""Private storage for evidence files: outside MEDIA_ROOT, never served as a public path.

Files are read back only through the ``indicators:evidence`` view, which checks who asks.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """A file system storage rooted at ``settings.PRIVATE_MEDIA_ROOT``, with no URL."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Evidence files have no public URL; use the evidence view.")


def private_storage():
    """The evidence storage: PRIVATE_MEDIA_ROOT on disk, or the bucket's private/evidence/ prefix
    when STORAGE_URL is an s3:// URL (so several app servers share the files; docs/DEPLOYMENT.md)."""
    storage_url = getattr(settings, "STORAGE_URL", "")
    if storage_url.startswith("s3://"):
        from django.core.files.storage import storages

        from clusterplan.envconfig import storage_config

        return storages.create_storage(storage_config(storage_url, subfolder="private/evidence"))
    return PrivateStorage()
