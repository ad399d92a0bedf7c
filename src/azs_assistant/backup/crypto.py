"""Encryption of backup archives: AES-256-GCM in 1 MiB segments, the key derived from a passphrase by scrypt.

Why segments: an archive of photos may be larger than memory, and one GCM message cannot be checked
before its end. Each segment is sealed on its own with a nonce made of a random prefix and its number,
and the last one says so in its associated data, so a reordered, cut or altered file fails to decrypt.

Layout: ``MAGIC`` · salt (16) · nonce prefix (8) · segments (4-byte length, ciphertext with its tag).
"""

from __future__ import annotations

import os
import struct
from typing import Any, BinaryIO

from azs_assistant.errors import BackupKeyError

MAGIC = b"AZSBAK1\n"
SEGMENT = 1024 * 1024
_HEADER = len(MAGIC) + 16 + 8
_SCRYPT = {"n": 2**15, "r": 8, "p": 1}  # about 0.1 s and 32 MiB: cheap once per backup, dear per guess



def derive_key(passphrase: str, salt: bytes) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, **_SCRYPT).derive(passphrase.encode("utf-8"))


class SealingWriter:
    """A write-only stream that encrypts what is written to ``dst`` segment by segment, so a tar stream can
    be encrypted while it is made, without a plain copy on disk. ``close`` seals the last segment."""

    def __init__(self, dst: BinaryIO, passphrase: str) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        salt, self._prefix = os.urandom(16), os.urandom(8)
        self._header = MAGIC + salt + self._prefix
        self._aead = AESGCM(derive_key(passphrase, salt))
        self._dst, self._pending, self._number, self.closed = dst, bytearray(), 0, False
        dst.write(self._header)

    def write(self, data: bytes) -> int:
        self._pending += data
        while len(self._pending) > SEGMENT:  # keep some back: only close() knows which segment is the last
            self._seal(bytes(self._pending[:SEGMENT]), last=False)
            del self._pending[:SEGMENT]
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self._pending), last=True)
            self._pending.clear()
            self.closed = True

    def _seal(self, chunk: bytes, *, last: bool) -> None:
        nonce = self._prefix + struct.pack(">I", self._number)
        sealed = self._aead.encrypt(nonce, chunk, self._header + (b"\x01" if last else b"\x00"))
        self._dst.write(struct.pack(">I", len(sealed)) + sealed)
        self._number += 1


def encrypt(src: BinaryIO, dst: BinaryIO, passphrase: str) -> None:
    """Copy ``src`` to ``dst`` encrypted."""
    writer = SealingWriter(dst, passphrase)
    for block in iter(lambda: src.read(SEGMENT), b""):
        writer.write(block)
    writer.close()


def decrypt(src: BinaryIO, dst: BinaryIO, passphrase: str) -> None:
    """Copy ``src`` to ``dst`` decrypted; a wrong key or any damage raises :class:`BackupKeyError`."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    header = src.read(_HEADER)
    if len(header) < _HEADER or not header.startswith(MAGIC):
        raise BackupKeyError("Архив не зашифрован ключом резервных копий или повреждён.",
                             "Not an encrypted backup archive, or a damaged one.")
    salt, prefix = header[len(MAGIC):len(MAGIC) + 16], header[len(MAGIC) + 16:]
    aead = AESGCM(derive_key(passphrase, salt))
    number = 0
    while True:
        size = src.read(4)
        if len(size) < 4:
            raise BackupKeyError("Архив обрезан: нет последнего сегмента.", "The archive is truncated.")
        sealed = src.read(struct.unpack(">I", size)[0])
        plain, last = _open_segment(aead, prefix + struct.pack(">I", number), sealed, header)
        dst.write(plain)
        if last:
            if src.read(1):
                raise BackupKeyError("После последнего сегмента архива есть лишние данные.",
                                     "Data after the archive's last segment.")
            return
        number += 1


def _open_segment(aead: Any, nonce: bytes, sealed: bytes, header: bytes) -> tuple[bytes, bool]:
    """A segment's plaintext and whether it is the last one (the flag in its associated data)."""
    from cryptography.exceptions import InvalidTag

    for last, flag in ((False, b"\x00"), (True, b"\x01")):
        try:
            return aead.decrypt(nonce, sealed, header + flag), last
        except InvalidTag:
            continue
    raise BackupKeyError("Архив не расшифрован: неверный ключ AZS_BACKUP_KEY или файл повреждён.",
                         "Cannot decrypt the archive: wrong AZS_BACKUP_KEY or a damaged file.")
