"""Dates as Annex shows and reads them (LANGUAGE_CODE is en-gb; FORMAT_MODULE_PATH points here).

Displayed: "30 Nov 2026". Typed: ISO (2026-11-30) or day first (30/11/2026, 30 Nov 2026); never
month first. The first input format is ISO because Django renders a date input's value with it,
and `<input type="date">` only takes ISO: with "30/11/2026" the browser would show it empty.
Browsers then show date inputs in the page's language (lang="en-GB": dd/mm/yyyy).
"""

from django.conf.locale.en_GB.formats import *  # noqa: F401,F403

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-11-30 (what date inputs send)
    "%d/%m/%Y",  # 30/11/2026
    "%d/%m/%y",  # 30/11/26
    "%d %b %Y",  # 30 Nov 2026
    "%d %B %Y",  # 30 November 2026
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
]
