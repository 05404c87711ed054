"""The site archive file: a gzip-compressed tar with ``manifest.json`` first.

Layout::

    manifest.json                  format, versions, date, row counts, a SHA-256 for every other member
    data/NNN-<app>.<model>.json    each model's rows, in restore order
    media/<storage name>           original image and document files

The manifest comes first so a reader knows what to expect before it reads
anything else, and checks every member against it as it goes.
"""

import contextlib
import gzip
import hashlib
import io
import json
import os
import tarfile
import tempfile
import zlib
from pathlib import Path, PurePosixPath

FORMAT = "safety-learning-portal-site-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


class DamagedArchive(Exception):
    """The archive cannot be trusted; the message names what is wrong, in one line."""


def sha256_of(fileobj):
    digest = hashlib.sha256()
    for chunk in iter(lambda: fileobj.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


class ArchiveWriter:
    def __init__(self, tar, mtime):
        self.tar, self.mtime = tar, mtime

    def add_bytes(self, name, data):
        self.add_file(name, io.BytesIO(data), len(data))

    def add_file(self, name, fileobj, size):
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = size, self.mtime, 0o644
        self.tar.addfile(info, fileobj)


@contextlib.contextmanager
def writing(path, mtime):
    """Writes to ``path + '.partial'`` and renames it at the end, so a failed export leaves no archive.

    Only the owner may read it: with members it holds password hashes and email addresses.
    """
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            yield ArchiveWriter(tar, mtime)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)


def copy_and_hash(source, target_path):
    digest = hashlib.sha256()
    with open(target_path, "wb") as out:
        for chunk in iter(lambda: source.read(CHUNK), b""):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def safe_member_name(name):
    """Refuse absolute paths and ``..``: nothing in an archive may point outside its own folders."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or path.parts[0] not in ("data", "media"):
        raise DamagedArchive(f"it holds an unexpected file {name!r}")
    return str(path)


class VerifiedArchive:
    """Every member read and checked against the manifest; data kept in memory, media in a temporary folder.

    Raises ``DamagedArchive`` for a file that is not a gzip tar, a truncated
    one, a missing or unreadable manifest, another format or version, a member
    missing, added or altered.
    """

    def __init__(self, path, progress_factory=None):
        self.path = Path(path)
        self.data = {}
        self.manifest = None
        self.media_dir = tempfile.TemporaryDirectory(prefix="site-archive-")
        try:
            self._read(progress_factory)
        except BaseException:
            self.media_dir.cleanup()
            raise

    def media_path(self, name):
        return Path(self.media_dir.name) / name

    def cleanup(self):
        self.media_dir.cleanup()

    def _read(self, progress_factory):
        if not self.path.is_file():
            raise DamagedArchive(f"{self.path} does not exist or is not a file")
        try:
            with tarfile.open(self.path, "r:gz") as tar:
                self._read_members(tar, progress_factory)
        except (EOFError, zlib.error) as exc:
            raise DamagedArchive("it is truncated: the compressed data ends early") from exc
        except gzip.BadGzipFile as exc:
            raise DamagedArchive("it is not a site archive (not a gzip-compressed tar file)") from exc
        except tarfile.ReadError as exc:
            if self.manifest is not None:
                raise DamagedArchive("it is truncated or corrupt after its manifest") from exc
            raise DamagedArchive("it is not a site archive (not a gzip-compressed tar file)") from exc

    def _read_members(self, tar, progress_factory):
        first = tar.next()
        if first is None or first.name != MANIFEST or not first.isfile():
            raise DamagedArchive(f"it has no {MANIFEST} at the start")
        try:
            self.manifest = json.loads(tar.extractfile(first).read())
        except ValueError as exc:
            raise DamagedArchive(f"its {MANIFEST} is not valid JSON") from exc
        if not isinstance(self.manifest, dict) or self.manifest.get("format") != FORMAT:
            raise DamagedArchive(f"its {MANIFEST} is not a site archive manifest")
        version = self.manifest.get("format_version")
        if version != FORMAT_VERSION:
            raise DamagedArchive(f"it is format version {version}; this portal reads version {FORMAT_VERSION}")
        expected = dict(self.manifest.get("files", {}))
        progress = progress_factory("Checking archive", len(expected)) if progress_factory else None
        for member in tar:
            if member is first:
                continue
            name = safe_member_name(member.name)
            if not member.isfile() or name not in expected:
                raise DamagedArchive(f"it holds {name}, which its manifest does not list")
            source = tar.extractfile(member)
            if name.startswith("data/"):
                content = source.read()
                digest = hashlib.sha256(content).hexdigest()
            else:
                target = self.media_path(name)
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = copy_and_hash(source, target)
            if digest != expected.pop(name):
                raise DamagedArchive(f"{name} does not match its checksum in the manifest")
            if name.startswith("data/"):
                try:
                    self.data[name] = json.loads(content)
                except ValueError as exc:
                    raise DamagedArchive(f"{name} is not valid JSON") from exc
            if progress:
                progress.step()
        if expected:
            raise DamagedArchive(f"{sorted(expected)[0]} is listed in the manifest but missing")
