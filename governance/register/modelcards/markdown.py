"""Read a Markdown card: heading sections, bold 'Label: value' facts and plain text.

Which section feeds which field (the one rule, applied to every heading at any level):

1. A heading is normalised (accents and Markdown removed, lower case, "&" read as "and",
   "[optional]" and a trailing colon dropped) and tried against the tables in
   ``_SECTION_PATTERNS`` in their order: intended use, training data, then limitations. The first
   table that matches claims the heading, so a heading feeds at most one field. A combined
   "Intended uses & limitations" section therefore goes to intended use only.
2. A claimed section brings its sub-sections along, except sub-sections whose own heading is
   claimed by another field: those go to that field. So a combined section with a "Limitations"
   sub-heading splits by its sub-headings.
3. A section inside a section already claimed for the same field is not taken twice.
4. Code never reaches a text field: fenced blocks (``` or ~~~) and indented code blocks
   (four spaces or a tab after a blank line, outside lists) are left out, as are HTML comments,
   template placeholders and empty template bullets.

Every function here runs on untrusted text of up to 1 MB: patterns are either anchored and
bounded, or the work is done by plain string scanning (see ``bold_fact`` and
``is_empty_bullet``)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from governance.register.modelcards.fields import MAX_HEADINGS, PLACEHOLDER_RE, TEMPLATE_RE

# Matched against normalised headings (lower case, words separated by single spaces).
# The order matters: the first field whose table matches claims the heading (rule 1 above).
_SECTION_PATTERNS = {
    "intended_use": [
        r"^(?:intended )?uses?(?:(?: and)? limitations)?$",
        r"^(?:primary |main )?intended (?:uses?|use cases?|purposes?|users?|applications?)"
        r"(?:(?: and)? (?:limitations|users|use cases))?$",
        r"^(?:direct|downstream)(?: uses?| usage)?$",
        r"^use cases?$",
        r"^intended purpose$",
    ],
    "training_data": [
        r"^(?:pre ?training|training|fine ?tuning)(?: and evaluation)? "
        r"(?:data|datasets?|corpus|corpora)(?: and procedure)?$",
        r"^(?:training )?datasets?$",
    ],
    "limitations": [
        r"\blimitations?\b",
        r"\bbias(?:es)?\b",
        r"\brisks?\b",
        r"\bout of scope\b",
        r"\bmisuses?\b",
        r"\bmalicious use\b",
        r"^ethical considerations?\b",
        r"^(?:caveats?|caveats and recommendations|recommendations)$",
    ],
}
_SECTION_RES = {
    name: re.compile("|".join(f"(?:{p})" for p in patterns))
    for name, patterns in _SECTION_PATTERNS.items()
}


_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# Title and closing hashes are split off in code: a regex doing it backtracks quadratically on
# long runs of spaces. (Every pattern here is applied to untrusted text of up to 1 MB.)
_ATX_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]|$)")
_SETEXT_RE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
HTML_COMMENT_RE = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


# Whole lines that templates leave behind when nothing was filled in.
_BOILERPLATE_LINE_RE = re.compile(
    r"^[ \t]*(?:more information needed\.?|information needed\.?|to be added\.?|tbd\.?|todo\.?|"
    r"users \(both direct and downstream\) should be made aware of the risks, biases and "
    r"limitations of the model\. more information needed for further recommendations\.)[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)


MODEL_CARD_FOR_RE = re.compile(r"^model card\b(?:\s+for\b|\s*[:\-–—])?\s*", re.IGNORECASE)
_OPTIONAL_RE = re.compile(r"\s*[\[(]\s*optional\s*[\])]", re.IGNORECASE)
_WORD_RE = re.compile(r"[a-z0-9]+")
_EMPHASIS_RE = re.compile(r"\*\*|__|\*|`")
_IMAGE_RE = re.compile(r"!\[[^\]\n]{0,1000}\]\([^)\n]{0,2000}\)")
_LINK_RE = re.compile(r"\[([^\]\n]{0,1000})\]\([^)\n]{0,2000}\)")
_HTML_TAG_RE = re.compile(r"</?[a-zA-Z][^>\n]{0,1000}>")


@dataclass
class _Section:
    level: int
    title: str  # as displayed, Markdown removed
    key: str  # normalised for matching
    lines: list[str]
    parent: int | None = None

    @property
    def text(self) -> str:
        return _clean_text("\n".join(without_code(self.lines)))


def split_sections(body: str) -> list[_Section]:
    """Split Markdown into heading sections, ignoring '#' lines inside fenced code."""
    sections = [_Section(level=0, title="", key="", lines=[])]
    fence: str | None = None
    headings = 0
    for line in body.split("\n"):
        if fence is not None:
            if _closes_fence(line, fence):
                fence = None
            sections[-1].lines.append(line)
            continue
        fence_match = _FENCE_RE.match(line)
        if fence_match:
            fence = fence_match.group(1)
            sections[-1].lines.append(line)
            continue
        # Past the cap, headings are read as text: real cards have a few dozen, and the cap bounds
        # the work a hostile card can cause.
        atx = _ATX_RE.match(line) if headings < MAX_HEADINGS else None
        if atx:
            headings += 1
            sections.append(_new_section(len(atx.group(1)), _atx_title(line[atx.end() :])))
            continue
        current = sections[-1]
        setext = _SETEXT_RE.match(line)
        if setext and headings < MAX_HEADINGS and _can_be_setext_title(current.lines):
            headings += 1
            title = current.lines.pop()
            sections.append(_new_section(1 if setext.group(1)[0] == "=" else 2, title))
            continue
        current.lines.append(line)
    # Link each section to its enclosing (lower-level) section.
    stack: list[int] = []
    for index, section in enumerate(sections):
        while stack and sections[stack[-1]].level >= section.level:
            stack.pop()
        section.parent = stack[-1] if stack else None
        stack.append(index)
    return sections


def _atx_title(rest: str) -> str:
    """Return an ATX heading's text without an optional closing run of '#'."""
    title = rest.strip()
    without_hashes = title.rstrip("#")
    if without_hashes != title and (not without_hashes or without_hashes[-1] in " \t"):
        title = without_hashes.rstrip()
    return title


def _can_be_setext_title(lines: list[str]) -> bool:
    if not lines or not lines[-1].strip():
        return False
    previous = lines[-1].lstrip()
    if previous.startswith(("-", "*", "+", "|", ">", "#", "<")) or re.match(r"\d+[.)]", previous):
        return False
    return len(lines) == 1 or not lines[-2].strip()


def _new_section(level: int, raw_title: str) -> _Section:
    # No real heading is this long; clipping first keeps cleaning cheap on hostile input.
    title = clean_inline(raw_title[:300])
    title = _OPTIONAL_RE.sub("", title)
    title = title.strip().rstrip(":：").strip()
    return _Section(level=level, title=title, key=_normalise_words(title), lines=[])


def _normalise_words(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("&", " and ")
    return " ".join(_WORD_RE.findall(text))


def heading_claims(sections: list[_Section]) -> list[set[str]]:
    """Return, for each section, the register field its heading claims (at most one)."""
    return [heading_field(s.key) if s.level else set() for s in sections]


def heading_field(key: str) -> set[str]:
    """Return the field a normalised heading claims, as a set of zero or one names."""
    for name, pattern in _SECTION_RES.items():
        if pattern.search(key):
            return {name}
    return set()


def without_code(lines: list[str]) -> list[str]:
    """Return ``lines`` without fenced and indented code blocks (CommonMark, simplified)."""
    kept: list[str] = []
    fence: str | None = None
    after_blank, in_list, in_code = True, False, False
    for line in lines:
        if fence is not None:
            if _closes_fence(line, fence):
                fence = None
            continue
        match = _FENCE_RE.match(line)
        if match:
            fence, in_code = match.group(1), False
            continue
        if not line.strip():
            kept.append("")
            after_blank = True
            continue
        indented = line.startswith(("    ", "\t"))
        # An indented block after a blank line is code, unless it continues a list item.
        if indented and (in_code or (after_blank and not in_list)):
            in_code, after_blank = True, False
            continue
        in_code = False
        if not indented:
            in_list = _is_list_item(line.lstrip())
        kept.append(line)
        after_blank = False
    return kept


def _is_list_item(text: str) -> bool:
    if text[:1] in ("-", "*", "+") and text[1:2] in (" ", "\t"):
        return True
    digits = len(text) - len(text.lstrip("0123456789"))
    return 0 < digits <= 9 and text[digits : digits + 1] in (".", ")")


def section_text(sections: list[_Section], claims: list[set[str]], field_name: str) -> str:
    """Gather the text of every section about ``field_name``, with its unclaimed subsections."""
    parts: list[tuple[str, str]] = []
    for index in range(len(sections)):
        if field_name not in claims[index] or _ancestor_claims(sections, claims, index, field_name):
            continue
        parts.extend(_subtree(sections, claims, index, field_name))
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0][1]
    return "\n\n".join(f"{title}\n{text}" for title, text in parts)


def _ancestor_claims(sections, claims, index: int, field_name: str) -> bool:
    parent = sections[index].parent
    while parent is not None:
        if field_name in claims[parent]:
            return True
        parent = sections[parent].parent
    return False


def _subtree(sections, claims, root: int, field_name: str) -> Iterator[tuple[str, str]]:
    """Yield (title, text) for ``root`` and its subsections, skipping ones about other fields."""
    root_level = sections[root].level
    skip_below: int | None = None
    for index in range(root, len(sections)):
        section = sections[index]
        if index > root and section.level <= root_level:
            break
        if skip_below is not None:
            if section.level > skip_below:
                continue
            skip_below = None
        if index > root and claims[index] and field_name not in claims[index]:
            skip_below = section.level
            continue
        text = section.text
        if text:
            yield section.title, text


def _clean_text(text: str) -> str:
    """Remove comments, template placeholders and empty template bullets; tidy blank lines."""
    text = HTML_COMMENT_RE.sub("", text)
    text = TEMPLATE_RE.sub("", text)
    text = PLACEHOLDER_RE.sub("", text)
    text = _BOILERPLATE_LINE_RE.sub("", text)
    text = "\n".join("" if is_empty_bullet(line) else line for line in text.split("\n"))
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def clean_inline(text: str) -> str:
    """Reduce one line of Markdown to plain text."""
    text = _IMAGE_RE.sub("", text)
    text = _LINK_RE.sub(r"\1", text)
    text = _HTML_TAG_RE.sub("", text)
    text = _EMPHASIS_RE.sub("", text)
    return " ".join(text.split())


def bold_facts(body: str) -> dict[str, str]:
    """Read '- **Developed by:** value' lines into {normalised label: value}."""
    facts: dict[str, str] = {}
    for line in prose_lines(body):
        found = bold_fact(line)
        if found is None:
            continue
        label = _normalise_words(PLACEHOLDER_RE.sub("", found[0]))
        value = found[1][:1000]
        value = clean_inline(TEMPLATE_RE.sub("", PLACEHOLDER_RE.sub("", value)))
        if label and value and label not in facts:
            facts[label] = value
    return facts


def bold_fact(line: str) -> tuple[str, str] | None:
    """Split '- **Label:** value' (bullet and colons optional) into (label, value).

    String scanning rather than a regular expression: the pattern this replaces took quadratic
    time on '**' followed by a long run of spaces (16 KB took 26 s).
    """
    text = _after_bullet(line.lstrip())
    if text is None or not text.startswith("**"):
        return None
    end = text.find("**", 2)
    if end == -1:
        return None
    label = text[2:end]
    if "*" in label or "\n" in label:
        return None
    label = label.rstrip()
    if label.endswith(":"):
        label = label[:-1].rstrip()
    if not label or len(label) > 80:
        return None
    value = text[end + 2 :].lstrip()
    if value.startswith(":"):
        value = value[1:].lstrip()
    return label, value


def is_empty_bullet(line: str) -> bool:
    """Tell whether ``line`` is a template bullet with a bold label and no value."""
    text = _after_bullet(line.lstrip(" \t"), require=True)
    if text is None or not text.startswith("**"):
        return False
    end = text.find("**", 2)
    if end <= 2 or "*" in text[2:end]:
        return False
    return text[end + 2 :].strip(" \t") in ("", ":")


def _after_bullet(text: str, *, require: bool = False) -> str | None:
    """Return ``text`` after a leading '-', '*' or '+' bullet and its spaces.

    Without a bullet, return ``text`` itself, or None when ``require`` is set. '**' opens bold
    text, not a bullet.
    """
    if text[:1] in ("-", "*", "+") and text[1:2] in (" ", "\t"):
        return text[1:].lstrip()
    return None if require else text


def first_fact(facts: dict[str, str], *labels: str) -> str:
    for label in labels:
        if facts.get(label):
            return facts[label]
    return ""


def prose_lines(body: str) -> Iterator[str]:
    """Yield lines outside fenced code blocks."""
    fence: str | None = None
    for line in body.split("\n"):
        if fence is not None:
            if _closes_fence(line, fence):
                fence = None
            continue
        match = _FENCE_RE.match(line)
        if match:
            fence = match.group(1)
            continue
        yield line


def _closes_fence(line: str, fence: str) -> bool:
    """Tell whether ``line`` closes a code block opened with ``fence`` (CommonMark rules)."""
    stripped = line.strip()
    return (
        len(line) - len(line.lstrip(" ")) <= 3
        and len(stripped) >= len(fence)
        and stripped == fence[0] * len(stripped)
    )


def sentences(text: str) -> Iterator[str]:
    for line in prose_lines(text):
        yield from re.split(r"(?<=[.!?])\s+", line)
