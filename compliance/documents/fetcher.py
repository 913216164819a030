"""The only way a document may load a resource while it is rendered: our own static files.

WeasyPrint would otherwise follow any URL in the HTML or CSS (`file:///etc/passwd`, a remote
image, a tracking pixel). The templates escape user text, so such a URL can only come from our
own templates; this fetcher is the second wall: a URL outside `static/` is refused and noted.
"""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse

_TYPES = {
    ".css": "text/css",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}


def static_root() -> Path:
    """Return the folder of our own static files (the source tree, not collectstatic's copy)."""
    return (Path(settings.BASE_DIR) / "static").resolve()


def static_url(relative: str) -> str:
    """Return the file URL of one of our static files, for templates and CSS."""
    return (static_root() / relative).as_uri()


class RefusedResource(ValueError):
    """A URL outside our static files was asked for while rendering."""


class StaticOnlyFetcher(URLFetcher):
    """Serve files below `static/` and refuse every other URL (file, http, data, ftp, …)."""

    def __init__(self):
        super().__init__(allowed_protocols=["file"], allow_redirects=False)
        self.refused: list[str] = []
        self.served: list[str] = []

    def fetch(self, url, headers=None):
        path = self._local_path(url)
        if path is None:
            self.refused.append(url[:200])
            raise RefusedResource(f"Only Annex's own static files may be loaded, not {url[:80]!r}.")
        self.served.append(path.name)
        return URLFetcherResponse(
            url, path.read_bytes(), {"Content-Type": _TYPES.get(path.suffix, "")}
        )

    @staticmethod
    def _local_path(url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return None
        root = static_root()
        try:
            path = Path(unquote(parts.path)).resolve()
        except (OSError, ValueError):
            return None
        if not path.is_relative_to(root) or not path.is_file() or path.suffix not in _TYPES:
            return None
        return path
