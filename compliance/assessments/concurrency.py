"""No lost update: a row carries `version`; a write names the version it read."""

from django.db.models import F


class StaleVersion(Exception):
    """Someone saved the row since the caller read it; `current` is the row as it is now."""

    def __init__(self, current, message: str = ""):
        self.current = current
        super().__init__(
            message
            or "Someone else saved this in the meantime. Their version is shown; "
            "review it and save again."
        )


def parse_version(value) -> int | None:
    try:
        number = int(str(value).strip().strip('"').removeprefix("W/").strip('"'))
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def update_if_current(obj, version: int, **fields) -> None:
    """Write `fields` only if the row is still at `version`; else raise StaleVersion.

    The conditional UPDATE is atomic in the database, so two saves of the same version
    cannot both succeed. `obj` is refreshed in memory on success.
    """
    model = type(obj)
    updated = model._base_manager.filter(pk=obj.pk, version=version).update(
        version=F("version") + 1, **fields
    )
    if not updated:
        raise StaleVersion(model._base_manager.get(pk=obj.pk))
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.version = version + 1
