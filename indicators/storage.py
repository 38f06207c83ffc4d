"""Private storage for evidence files: outside MEDIA_ROOT, never served as a public path.

Files are read back only through the ``indicators:evidence`` view, which checks who asks.
"""

from clusterplan.lib.private_storage import SettingRootedStorage, private_storage_for


class PrivateStorage(SettingRootedStorage):
    """Evidence on disk, under ``settings.PRIVATE_MEDIA_ROOT``."""

    root_setting = "PRIVATE_MEDIA_ROOT"


def private_storage():
    """The evidence storage: PRIVATE_MEDIA_ROOT on disk, or the bucket's private/evidence/ prefix
    when STORAGE_URL is an s3:// URL (so several app servers share the files; docs/DEPLOYMENT.md)."""
    return private_storage_for(PrivateStorage, "private/evidence")
