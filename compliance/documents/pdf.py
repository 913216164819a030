"""Render a document's HTML to PDF/A with WeasyPrint, loading nothing but our static files."""

from django.template.loader import render_to_string
from weasyprint import HTML

from compliance.documents.fetcher import StaticOnlyFetcher, static_root, static_url

# PDF/A-3b: archival, fonts embedded, text extractable (ISO 19005-3, level B).
PDF_VARIANT = "pdf/a-3b"


def render_html(template_name: str, context: dict) -> str:
    """Render a document template with the print stylesheet's URL in the context."""
    return render_to_string(
        template_name, {**context, "print_css_url": static_url("css/print.css")}
    )


def html_to_pdf(html: str, *, fetcher: StaticOnlyFetcher | None = None) -> bytes:
    """Return the PDF bytes of the HTML; relative URLs resolve inside static/ only."""
    fetcher = fetcher or StaticOnlyFetcher()
    document = HTML(string=html, base_url=static_root().as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(pdf_variant=PDF_VARIANT, uncompressed_pdf=False)


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render the template and return its PDF."""
    return html_to_pdf(render_html(template_name, context))
