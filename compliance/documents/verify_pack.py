#!/usr/bin/env python3
"""Verify an Annex evidence pack against its manifest; needs only Python 3.

    python verify_pack.py PACK.zip

Every file listed in manifest.json must be in the ZIP with the same size and SHA-256, and the
ZIP must hold nothing else (besides manifest.json). Exit 0 when the pack is intact; exit 1 and
name every difference otherwise; exit 2 when the file is not a pack at all.
"""

import hashlib
import json
import sys
import zipfile

MANIFEST = "manifest.json"
CHUNK = 1 << 20


def _digest(archive: zipfile.ZipFile, name: str) -> tuple[str, int]:
    sha, size = hashlib.sha256(), 0
    with archive.open(name) as handle:
        while chunk := handle.read(CHUNK):
            sha.update(chunk)
            size += len(chunk)
    return sha.hexdigest(), size


def verify(path: str) -> list[str]:
    """Return the differences between the pack and its manifest (empty when intact)."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ValueError(f"{path}: not a ZIP file ({exc})") from exc
    with archive:
        names = set(archive.namelist())
        if MANIFEST not in names:
            raise ValueError(f"{path}: no {MANIFEST} in the pack")
        try:
            manifest = json.loads(archive.read(MANIFEST))
            entries = manifest["files"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}: {MANIFEST} is not a pack manifest ({exc})") from exc
        problems = []
        listed = set()
        for entry in entries:
            name = entry.get("path", "")
            listed.add(name)
            if name not in names:
                problems.append(f"missing: {name}")
                continue
            sha, size = _digest(archive, name)
            if size != entry.get("size"):
                problems.append(
                    f"size differs: {name} ({size} bytes, manifest {entry.get('size')})"
                )
            if sha != entry.get("sha256"):
                problems.append(f"hash differs: {name}")
        for extra in sorted(names - listed - {MANIFEST}):
            if not extra.endswith("/"):
                problems.append(f"not in the manifest: {extra}")
        return problems


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: verify_pack.py PACK.zip", file=sys.stderr)
        return 2
    try:
        problems = verify(argv[1])
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{argv[1]}: {len(problems)} difference(s): the pack is NOT intact.", file=sys.stderr)
        return 1
    print(f"{argv[1]}: every file matches its manifest.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
