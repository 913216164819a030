"""Map licence names and URLs to SPDX identifiers and tell whether they are open source."""

from __future__ import annotations

import re

from governance.register.modelcards.fields import Warnings, clip, quoted, unique

# fmt: off
_SPDX_IDS = (
    "0BSD", "AFL-3.0", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-1.1", "Apache-2.0",
    "Artistic-2.0", "BSD-1-Clause", "BSD-2-Clause", "BSD-3-Clause", "BSD-3-Clause-Clear",
    "BSD-4-Clause", "BSL-1.0", "C-UDA-1.0", "CC-BY-2.0", "CC-BY-2.5", "CC-BY-3.0", "CC-BY-4.0",
    "CC-BY-SA-2.0", "CC-BY-SA-2.5", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "CC-BY-NC-2.0",
    "CC-BY-NC-2.5", "CC-BY-NC-3.0", "CC-BY-NC-4.0", "CC-BY-ND-2.0", "CC-BY-ND-2.5",
    "CC-BY-ND-3.0", "CC-BY-ND-4.0", "CC-BY-NC-ND-2.0", "CC-BY-NC-ND-2.5", "CC-BY-NC-ND-3.0",
    "CC-BY-NC-ND-4.0", "CC-BY-NC-SA-2.0", "CC-BY-NC-SA-2.5", "CC-BY-NC-SA-3.0", "CC-BY-NC-SA-4.0",
    "CC0-1.0", "CDDL-1.0", "CDLA-Permissive-1.0", "CDLA-Permissive-2.0", "CDLA-Sharing-1.0",
    "ECL-2.0", "EPL-1.0", "EPL-2.0", "etalab-2.0", "EUPL-1.1", "EUPL-1.2", "GFDL-1.3-only",
    "GFDL-1.3-or-later", "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later",
    "ISC", "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only", "LGPL-3.0-or-later",
    "LPPL-1.3c", "MIT", "MIT-0", "MPL-2.0", "MS-PL", "NCSA", "ODbL-1.0", "ODC-By-1.0", "OFL-1.1",
    "OSL-3.0", "PDDL-1.0", "PostgreSQL", "Python-2.0", "UPL-1.0", "Unlicense", "WTFPL", "Zlib",
)
# fmt: on

_SPDX_BY_KEY = {spdx.lower(): spdx for spdx in _SPDX_IDS}
# Hugging Face identifiers and common spellings that name exactly one SPDX licence. Deprecated
# SPDX ids such as "GPL-3.0" mean "-only" according to SPDX itself.
_SPDX_BY_KEY.update(
    {
        "apache-2": "Apache-2.0",
        "apache2": "Apache-2.0",
        "apache2.0": "Apache-2.0",
        "apache-v2": "Apache-2.0",
        "apache-v2.0": "Apache-2.0",
        "asl-2.0": "Apache-2.0",
        "mit-0": "MIT-0",
        "expat": "MIT",
        "bsd-2": "BSD-2-Clause",
        "bsd-3": "BSD-3-Clause",
        "bsd-2-clause-simplified": "BSD-2-Clause",
        "bsd-3-clause-new": "BSD-3-Clause",
        "bsd-3-clause-revised": "BSD-3-Clause",
        "c-uda": "C-UDA-1.0",
        "cc0": "CC0-1.0",
        "cdla-sharing": "CDLA-Sharing-1.0",
        "gpl-2.0": "GPL-2.0-only",
        "gpl-2": "GPL-2.0-only",
        "gplv2": "GPL-2.0-only",
        "gpl-2.0+": "GPL-2.0-or-later",
        "gpl-3.0": "GPL-3.0-only",
        "gpl-3": "GPL-3.0-only",
        "gplv3": "GPL-3.0-only",
        "gpl-3.0+": "GPL-3.0-or-later",
        "lgpl-2.1": "LGPL-2.1-only",
        "lgpl-2.1+": "LGPL-2.1-or-later",
        "lgpl-3.0": "LGPL-3.0-only",
        "lgplv3": "LGPL-3.0-only",
        "lgpl-3.0+": "LGPL-3.0-or-later",
        "agpl-3.0": "AGPL-3.0-only",
        "agplv3": "AGPL-3.0-only",
        "agpl-3.0+": "AGPL-3.0-or-later",
        "eupl-1.2": "EUPL-1.2",
        "mpl-2": "MPL-2.0",
        "epl-2": "EPL-2.0",
        "odbl": "ODbL-1.0",
        "odc-by": "ODC-By-1.0",
        "pddl": "PDDL-1.0",
        "bsl": "BSL-1.0",
        "boost-1.0": "BSL-1.0",
        "postgres": "PostgreSQL",
        "the-unlicense": "Unlicense",
    }
)

# OSI-approved licences (opensource.org/licenses); only these make a model "open source" here.
# fmt: off
_OSI_APPROVED = frozenset((
    "0BSD", "AFL-3.0", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-1.1", "Apache-2.0",
    "Artistic-2.0", "BSD-1-Clause", "BSD-2-Clause", "BSD-3-Clause", "BSL-1.0", "CDDL-1.0",
    "ECL-2.0", "EPL-1.0", "EPL-2.0", "EUPL-1.1", "EUPL-1.2", "GPL-2.0-only", "GPL-2.0-or-later",
    "GPL-3.0-only", "GPL-3.0-or-later", "ISC", "LGPL-2.1-only", "LGPL-2.1-or-later",
    "LGPL-3.0-only", "LGPL-3.0-or-later", "LPPL-1.3c", "MIT", "MIT-0", "MPL-2.0", "MS-PL", "NCSA",
    "OFL-1.1", "OSL-3.0", "PostgreSQL", "Python-2.0", "UPL-1.0", "Unlicense", "Zlib",
))
# fmt: on

# Licences known not to be open source: non-commercial or no-derivatives clauses, use
# restrictions (the RAIL family, Llama, Gemma) or an explicit "proprietary".
_RESTRICTED_LICENCE = re.compile(
    r"(?:^|[-_ ])(?:nc|nd)(?:[-_ ]|$)|rail|llama|gemma|deepfloyd|non-?commercial|research|"
    r"proprietary|all[-_ ]rights[-_ ]reserved",
    re.IGNORECASE,
)

_LICENCE_URL_PATTERNS = (
    (re.compile(r"apache\.org/licenses/license-2\.0", re.I), lambda m: "Apache-2.0"),
    (re.compile(r"(?:opensource\.org|spdx\.org)/licenses/([\w.+-]+?)(?:\.html|\.php)?/?$", re.I),
     lambda m: m.group(1)),
    (re.compile(r"creativecommons\.org/licenses/([a-z-]+)/(\d\.\d)", re.I),
     lambda m: f"cc-{m.group(1)}-{m.group(2)}"),
    (re.compile(r"creativecommons\.org/publicdomain/zero/1\.0", re.I), lambda m: "CC0-1.0"),
)  # fmt: skip


def licence_from_values(
    values: list[str], source: str, warnings: Warnings
) -> tuple[str, bool | None]:
    """Map licence names to SPDX where possible; return the licence and its openness."""
    mapped: list[str] = []
    openness: list[bool | None] = []
    for value in unique(values):
        spdx = spdx_id(value)
        if spdx is None:
            warnings.add(
                f"{source}: '{clip(value, 80)}' is not an SPDX identifier; kept as written"
            )
            mapped.append(value)
            openness.append(False if _RESTRICTED_LICENCE.search(value) else None)
        else:
            mapped.append(spdx)
            if spdx in _OSI_APPROVED:
                openness.append(True)
            else:
                openness.append(False if _RESTRICTED_LICENCE.search(spdx) else None)
    licence = " AND ".join(mapped)
    if len(mapped) > 1:
        warnings.add(
            f"{source}: several licences are listed; recorded as {quoted(licence)}. Check whether "
            "they apply together or are alternatives"
        )
    if False in openness:
        return licence, False
    if openness and all(o is True for o in openness):
        return licence, True
    return licence, None


def spdx_id(value: str) -> str | None:
    """Return the SPDX identifier that ``value`` unambiguously names, or None."""
    text = value.strip().strip("\"'")
    if re.match(r"https?://", text, re.I):
        for pattern, build in _LICENCE_URL_PATTERNS:
            match = pattern.search(text.rstrip("/"))
            if match:
                text = build(match)
                break
        else:
            return None
    key = text.lower()
    if key in _SPDX_BY_KEY:
        return _SPDX_BY_KEY[key]
    # Tolerate prose spellings: "Apache License, Version 2.0", "MIT License", "BSD 3-Clause".
    key = re.sub(r"[,()\"']", " ", key)
    key = re.sub(r"\b(?:the|licen[cs]es?|version)\b", " ", key)
    key = re.sub(r"\bv(\d)", r"\1", key)
    key = re.sub(r"[\s_]+", "-", key.strip()).strip("-")
    key = re.sub(r"-+", "-", key)
    return _SPDX_BY_KEY.get(key)
