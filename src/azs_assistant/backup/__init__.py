"""Backups: encrypted, checksummed snapshots of the database, the stored originals and the configuration,
kept in a directory or S3 with a retention policy, and restored in one command (``azs backup``)."""

from azs_assistant.backup.service import BackupInfo, Backups, Verified
from azs_assistant.errors import BackupDamaged, BackupKeyError

__all__ = ["BackupDamaged", "BackupInfo", "BackupKeyError", "Backups", "Verified"]
