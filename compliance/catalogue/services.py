"""Load catalogue files into the database: versioned, idempotent, all or nothing.

- The same version with the same content again: nothing is written (content hash).
- A new version: new Framework and Requirement rows; earlier versions are never touched, so an
  assessment keeps the version it was built from.
- Changed content under a version already loaded: refused, naming the file and the version.
- Mappings to another framework point at its latest loaded version; a mapping missing after
  that framework gets a new version is added on the next load (rows are only ever added).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .loader import CatalogueInvalid, CatalogueSpec, parse_catalogue

CATALOGUE_DIR = Path(settings.BASE_DIR) / "fixtures" / "catalogues"


@dataclass
class LoadResult:
    filename: str
    slug: str
    version: str
    status: str  # "created" or "unchanged"
    framework_id: int
    mappings_added: int = 0


@dataclass
class _Models:
    """The model classes to write with: the real ones, or a migration's historical ones."""

    Framework: type
    Requirement: type
    Mapping: type

    @classmethod
    def current(cls) -> _Models:
        from .models import Framework, Mapping, Requirement

        return cls(Framework, Requirement, Mapping)


def shipped_catalogue_files() -> list[Path]:
    """Return the shipped catalogue files (fixtures/catalogues/*.yaml|json, not examples/)."""
    files = [p for p in CATALOGUE_DIR.iterdir() if p.suffix in (".yaml", ".yml", ".json")]
    # Regulations first, so a standard's mappings to them resolve in the same run.
    return sorted(files, key=lambda p: (p.name != "eu-ai-act.yaml", p.name))


def load_catalogue_files(paths, *, organization=None, acting=None, models=None):
    """Load files in order; each file is all or nothing. Return one LoadResult per file."""
    return [
        load_catalogue(
            data=_read_bytes(Path(p)),
            filename=Path(p).name,
            source_file=_display_path(Path(p)),
            organization=organization,
            acting=acting,
            models=models,
        )
        for p in paths
    ]


def load_catalogue(
    *,
    data: bytes,
    filename: str,
    source_file: str = "",
    organization=None,
    acting=None,
    models: _Models | None = None,
) -> LoadResult:
    """Validate one catalogue file and load it (see the module docstring for versioning)."""
    spec = parse_catalogue(data, filename)
    m = models or _Models.current()
    with transaction.atomic():
        fw = m.Framework.objects.filter(
            slug=spec.slug, version=spec.version, organization=organization
        ).first()
        if fw is not None:
            if fw.content_hash != spec.content_hash:
                raise CatalogueInvalid(
                    [
                        f"{filename}: framework {spec.slug} version {spec.version} is already "
                        "loaded with different content; give the changed catalogue a new "
                        "version number (a loaded version is never rewritten)"
                    ]
                )
            added = _link_mappings(m, spec, fw)
            return LoadResult(filename, spec.slug, spec.version, "unchanged", fw.pk, added)
        _check_slug_free(m, spec, organization)
        fw = _create_framework(m, spec, organization, source_file or filename)
        added = _link_mappings(m, spec, fw)
        if organization is not None:
            from governance.audit.services import record_event

            record_event(
                organization=organization,
                actor=getattr(acting, "user", acting),
                action="catalogue.framework_loaded",
                obj=fw,
                object_id=f"{fw.slug}@{fw.version}",
                changes={"requirements": len(spec.nodes), "mappings": added},
            )
    return LoadResult(filename, spec.slug, spec.version, "created", fw.pk, added)


def _check_slug_free(m: _Models, spec: CatalogueSpec, organization) -> None:
    if organization is None:
        return
    if m.Framework.objects.filter(slug=spec.slug, organization__isnull=True).exists():
        raise CatalogueInvalid(
            [
                f"{spec.filename}: framework: slug: {spec.slug!r} is a shipped catalogue; "
                "choose another slug for the organisation's own framework"
            ]
        )


def _fields(model) -> set[str]:
    return {f.name for f in model._meta.concrete_fields}


def _create_framework(m: _Models, spec: CatalogueSpec, organization, source_file: str):
    fw = m.Framework.objects.create(
        organization=organization,
        slug=spec.slug,
        name=spec.name,
        version=spec.version,
        kind=spec.kind,
        description=spec.description,
        source_file=source_file[:300],
        content_hash=spec.content_hash,
    )
    known = _fields(m.Requirement)
    ids: dict[str, int] = {}
    for depth in sorted({n.depth for n in spec.nodes}):
        rows = []
        level = [n for n in spec.nodes if n.depth == depth]
        for n in level:
            values = {
                "framework": fw,
                "code": n.code,
                "parent_id": ids.get(n.parent) if n.parent else None,
                "obligation": n.obligation,
                "kind": n.kind,
                "title": n.title,
                "text": n.text,
                "citation": n.citation,
                "answer_type": n.answer_type,
                "choices": n.choices,
                "question": n.question,
                "guidance": n.guidance,
                "typical_evidence": n.typical_evidence,
                "condition": n.condition,
                "informative": n.informative,
                "order": n.order,
            }
            # A migration's historical model may lack fields added later.
            rows.append(
                m.Requirement(**{k: v for k, v in values.items() if k in known | {"parent_id"}})
            )
        for n, row in zip(level, m.Requirement.objects.bulk_create(rows), strict=True):
            ids[n.code] = row.pk
    return fw


def _link_mappings(m: _Models, spec: CatalogueSpec, fw) -> int:
    if not spec.mappings:
        return 0
    own = dict(m.Requirement.objects.filter(framework=fw).values_list("code", "pk"))
    targets: dict[str, dict[str, int]] = {}
    problems, wanted = [], []
    for mp in spec.mappings:
        if mp.target_framework is None:
            target_id = own.get(mp.target)
        else:
            if mp.target_framework not in targets:
                targets[mp.target_framework] = _latest_codes(m, mp.target_framework, fw)
            target_id = targets[mp.target_framework].get(mp.target)
        if target_id is None:
            problems.append(
                f"{spec.filename}: {mp.label}: target: no requirement "
                f"{mp.target_framework + ':' if mp.target_framework else ''}{mp.target} "
                "in the loaded catalogues (load that framework first)"
            )
            continue
        wanted.append((own[mp.source], target_id, mp))
    if problems:
        raise CatalogueInvalid(problems)
    existing = set(
        m.Mapping.objects.filter(source__framework=fw).values_list("source_id", "target_id")
    )
    rows = [
        m.Mapping(
            source_id=s,
            target_id=t,
            relation=mp.relation,
            indicative=mp.indicative,
            note=mp.note,
        )
        for s, t, mp in wanted
        if (s, t) not in existing
    ]
    m.Mapping.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _latest_codes(m: _Models, slug: str, fw) -> dict[str, int]:
    from .selectors import version_key

    candidates = m.Framework.objects.filter(slug=slug, organization__isnull=True)
    if fw.organization_id is not None:
        candidates = candidates | m.Framework.objects.filter(
            slug=slug, organization_id=fw.organization_id
        )
    found = sorted(candidates, key=lambda f: version_key(f.version), reverse=True)
    if not found:
        return {}
    return dict(m.Requirement.objects.filter(framework=found[0]).values_list("code", "pk"))


def _read_bytes(path: Path) -> bytes:
    from .loader import MAX_BYTES

    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise CatalogueInvalid(
                [f"{path.name}: the file is {size:,} bytes; the limit is {MAX_BYTES:,} bytes"]
            )
        return path.read_bytes()
    except OSError as exc:
        raise CatalogueInvalid([f"{path.name}: cannot be read ({exc.strerror})"]) from None


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path(settings.BASE_DIR).resolve()))
    except ValueError:
        return path.name


@functools.lru_cache(maxsize=8)
def _shipped_hashes(stamp: tuple) -> dict[tuple[str, str], str]:
    out = {}
    for path_str, _mtime in stamp:
        spec = parse_catalogue(Path(path_str).read_bytes(), Path(path_str).name)
        out[(spec.slug, spec.version)] = spec.content_hash
    return out


def ensure_shipped_catalogues() -> list[LoadResult]:
    """Load the shipped catalogues unless they are already loaded (cheap when they are).

    Used by the demo, `manage.py start` and tests (a transactional test empties the tables
    that the data migration filled).
    """
    files = shipped_catalogue_files()
    stamp = tuple((str(p), os.stat(p).st_mtime_ns) for p in files)
    wanted = _shipped_hashes(stamp)
    from .models import Framework

    loaded = set(Framework.objects.filter(organization__isnull=True).values_list("slug", "version"))
    if set(wanted) <= loaded:
        return []
    return load_catalogue_files(files)
