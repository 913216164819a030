"""Web pages of the EU AI Act screening: the guided questionnaire, the result, versions, comparison.

Views stay thin: the system comes through the register's doorway (404 for a foreign one), every
write goes through `services`, and the helpers below only turn engine data into words.
"""

import json
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import slugify

from governance.classification import codes, questions, selectors, services
from governance.classification.compare import compare as compare_results
from governance.classification.forms import (
    BOOL,
    CHOICE,
    MULTI_CHOICE,
    NO,
    NONE_VALUE,
    NUMBER,
    SELECT_ABOVE,
    SHOWN,
    YES,
    ClassifyForm,
    choice_citation,
    choice_entry,
    choice_label,
    display_answer,
    field_name,
    format_number,
    is_answered,
    is_present,
    parse_step,
)
from governance.classification.versions import choose_versions
from governance.register.selectors import get_system
from governance.register.services import can_edit_system
from governance.tenancy.permissions import require_action
from governance.tenancy.roles import Action

REVIEW = "review"
# Short names for the stepper; the page heading uses the step's full title.
SHORT_TITLES = {
    "organisation": "Role",
    "scope": "Scope",
    "prohibited": "Prohibited",
    "product_safety": "Annex I",
    "annex_iii": "Annex III",
    "derogation": "Art. 6(3)",
    "transparency": "Transparency",
    "gpai": "GPAI model",
}


# ---------------------------------------------------------------------------------------------
# Who may screen, and where things are
# ---------------------------------------------------------------------------------------------


def can_screen_system(membership, system) -> bool:
    """Return whether the member may answer and save screenings of this system.

    The same test as the service's: the role allows screening, and the member may edit the
    register or owns this system.
    """
    if membership is None or not membership.can(Action.SCREEN_SYSTEMS):
        return False
    return membership.can(Action.EDIT_REGISTER) or can_edit_system(membership, system)


def system_url(org_slug: str, system) -> str | None:
    """Return the register's page of the system (None while the register has no such page)."""
    try:
        return reverse(
            "register:system-detail", kwargs={"org_slug": org_slug, "system_uuid": system.uuid}
        )
    except NoReverseMatch:
        return None


def register_url(org_slug: str) -> str | None:
    try:
        return reverse("register:system-list", kwargs={"org_slug": org_slug})
    except NoReverseMatch:
        return None


def _url(name: str, org_slug: str, system, **kwargs) -> str:
    return reverse(
        f"classification:{name}",
        kwargs={"org_slug": org_slug, "system_uuid": system.uuid, **kwargs},
    )


def _system_context(request, system) -> dict:
    slug = request.organization.slug
    return {
        "system": system,
        "system_url": system_url(slug, system),
        "register_url": register_url(slug),
        "can_screen": can_screen_system(request.membership, system) and not system.archived_at,
        "screening_url": _url("screening", slug, system),
        "history_url": _url("history", slug, system),
    }


# ---------------------------------------------------------------------------------------------
# Engine data in words
# ---------------------------------------------------------------------------------------------


def obligation_rows(result: dict, today: date | None = None) -> list[dict]:
    """Return the result's obligations in article order with title, summary and date."""
    today = today or timezone.localdate()
    rows = []
    for code in sorted(result.get("obligations", []), key=codes.article_sort_key):
        entry = codes.OBLIGATIONS.get(code)
        iso = result.get("applies_from", {}).get(code)
        applies = date.fromisoformat(iso) if iso else None
        rows.append(
            {
                "code": code,
                "title": entry.title if entry else code,
                "citation": entry.citation if entry else code,
                "summary": entry.summary if entry else "",
                "applies_from": applies,
                "in_force": applies is not None and applies <= today,
                "days_left": (applies - today).days if applies else None,
            }
        )
    return rows


def _label(table: dict, code, fallback: str = "") -> dict:
    entry = table.get(code)
    if entry is None:
        return {"code": code, "label": fallback or str(code), "citation": "", "description": ""}
    return {
        "code": code,
        "label": entry.label,
        "citation": getattr(entry, "citation", ""),
        "description": getattr(entry, "description", ""),
    }


def basis_rows(result: dict, screening: dict) -> list[dict]:
    """Return why the system is high-risk: Annex I legislation and Annex III points, in words."""
    rows = []
    for code in result.get("high_risk_basis", []):
        if code == "annex_i":
            legislation = codes.ANNEX_I.get((screening.get("annex_i") or {}).get("legislation"))
            if legislation is None:
                rows.append({"label": "Annex I product", "citation": "Art. 6(1)", "detail": ""})
                continue
            rows.append(
                {
                    "label": f"Annex I: {legislation.label}",
                    "citation": f"Art. 6(1); {legislation.citation}",
                    "detail": (
                        "Safety component of a product (or the product itself) that needs a "
                        "third-party conformity assessment under "
                        f"{legislation.act}."
                    ),
                }
            )
        else:
            point = codes.ANNEX_III.get(code)
            if point is None:
                rows.append({"label": code, "citation": "", "detail": ""})
                continue
            rows.append(
                {
                    "label": f"{codes.ANNEX_III_AREAS[point.area]}: {point.label}",
                    "citation": f"Art. 6(2); {point.citation}",
                    "detail": point.description,
                }
            )
    return rows


def describe_result(result: dict, screening: dict, today: date | None = None) -> dict:
    """Return a classification result with every code turned into a label and a citation."""
    tier = _label(codes.TIERS, result.get("tier"))
    gpai = _label(codes.GPAI_CLASSES, result.get("gpai", "none"))
    route = result.get("conformity_route")
    obligations = obligation_rows(result, today)
    upcoming = [row for row in obligations if not row["in_force"] and row["applies_from"]]
    role = screening.get("role")
    return {
        "tier": tier,
        "gpai": gpai,
        "role": _label(codes.ROLES, role, fallback=role or ""),
        "basis": basis_rows(result, screening),
        "derogation": bool(result.get("derogation_applied")),
        "prohibited": [
            _label(codes.PROHIBITED_PRACTICES, c) for c in result.get("prohibited_practices", [])
        ],
        "transparency": [
            {
                "code": c,
                "title": codes.OBLIGATIONS[c].title if c in codes.OBLIGATIONS else c,
                "citation": codes.OBLIGATIONS[c].citation if c in codes.OBLIGATIONS else c,
            }
            for c in result.get("transparency", [])
        ],
        "conformity": _label(codes.CONFORMITY_ROUTES, route) if route else None,
        "obligations": obligations,
        "in_force_count": len(obligations) - len(upcoming),
        "next_deadline": min(upcoming, key=lambda r: r["applies_from"]) if upcoming else None,
        "rationale": result.get("rationale", []),
    }


def answer_groups(answers: dict, *, edit_url: str | None = None) -> list[dict]:
    """Return the visible questions with their answers in words, grouped by step."""
    missing = set(questions.missing_required(answers))
    groups = []
    for step in questions.STEPS:
        if not step.visible(answers):
            continue
        rows = []
        for question in step.questions:
            if not question.visible(answers):
                continue
            present = is_present(answers, question.key)
            rows.append(
                {
                    "key": question.key,
                    "label": question.label,
                    "answer": display_answer(
                        question, questions.get_answer(answers, question.key), answered=present
                    ),
                    "missing": question.key in missing,
                    "answered": present,
                    "anchor": f"q-{field_name(question.key)}",
                }
            )
        groups.append(
            {
                "slug": step.slug,
                "title": step.title,
                "rows": rows,
                "edit_url": f"{edit_url}?step={step.slug}" if edit_url else None,
            }
        )
    return groups


def _question_label(key: str) -> str:
    question = questions.QUESTIONS.get(key) or questions.QUESTIONS.get(key.partition(".")[0])
    return question.label if question else key


def _problems(exc: ValidationError, screening_url: str) -> list[dict]:
    """Return the engine's problems, each with the question it names and a link to its step."""
    if not hasattr(exc, "error_dict"):
        return [{"label": "", "message": m, "url": None} for m in exc.messages]
    problems = []
    for key, messages_ in exc.message_dict.items():
        question = questions.QUESTIONS.get(key) or questions.QUESTIONS.get(key.partition(".")[0])
        url = None
        if question is not None:
            url = f"{screening_url}?step={questions.step_of(question.key).slug}"
            url += f"#q-{field_name(question.key)}"
        for message in messages_:
            problems.append(
                {
                    "label": question.label if question else "",
                    "key": key,
                    "message": message,
                    "url": url,
                }
            )
    return problems


# ---------------------------------------------------------------------------------------------
# The questionnaire
# ---------------------------------------------------------------------------------------------


def _tried_key(system) -> str:
    return f"classification:tried:{system.uuid}"


def _starting_answers(system, draft, latest) -> dict:
    """Answers to show: the draft, else the latest screening, else the register's role."""
    if draft is not None and draft.answers:
        return dict(draft.answers)
    if latest is not None:
        return questions.screening_to_answers(latest.screening)
    # A suggestion from the register; it is saved once the officer moves on.
    return {"role": system.operator_role} if system.operator_role in codes.ROLES else {}


def _visible_steps(answers: dict) -> list[questions.Step]:
    return [step for step in questions.STEPS if step.visible(answers)]


def _stepper(steps, answers: dict, current: str, tried: bool, base_url: str) -> list[dict]:
    missing = set(questions.missing_required(answers))
    items = []
    for step in steps:
        visible = [q for q in step.questions if q.visible(answers)]
        step_missing = [q.key for q in visible if q.key in missing]
        complete = all(is_answered(answers, q, missing) for q in visible)
        if step.slug == current:
            state = "current"
        elif tried and step_missing:
            state = "error"
        elif complete:
            state = "done"
        else:
            state = ""
        items.append(
            {
                "slug": step.slug,
                "title": SHORT_TITLES.get(step.slug, step.title),
                "url": f"{base_url}?step={step.slug}",
                "state": state,
                "missing": len(step_missing),
                "complete": complete,
            }
        )
    items.append(
        {
            "slug": REVIEW,
            "title": "Review",
            "url": f"{base_url}?step={REVIEW}",
            "state": "current" if current == REVIEW else "",
            "missing": 0,
            "complete": False,
        }
    )
    return items


def _option(question, code, checked: bool) -> dict:
    entry = choice_entry(question.key, code)
    hint = ""
    if entry is not None:
        hint = getattr(entry, "description", "") or getattr(entry, "act", "")
    return {
        "value": NONE_VALUE if code is None else code,
        "label": choice_label(question, code),
        "citation": choice_citation(question, code),
        "hint": hint,
        "checked": checked,
    }


def _option_groups(question, options: list[dict]) -> list[dict]:
    """Group long lists the way the law does: Annex III by area, Annex I by section."""
    if question.key == "annex_iii":
        groups: dict[int, dict] = {}
        for option in options:
            point = codes.ANNEX_III[option["value"]]
            title = f"{point.area}. {codes.ANNEX_III_AREAS[point.area]}"
            groups.setdefault(point.area, {"title": title, "options": []})["options"].append(option)
        return list(groups.values())
    if question.key == "annex_i.legislation":
        sections = {
            "A": {"title": "Section A: products of the new legislative framework", "options": []},
            "B": {"title": "Section B: vehicles, aviation, rail, marine, machinery", "options": []},
        }
        for option in options:
            sections[codes.ANNEX_I[option["value"]].section]["options"].append(option)
        return list(sections.values())
    return [{"title": "", "options": options}]


def _question_context(question, answers: dict, errors: dict, raw: dict) -> dict:
    key = question.key
    name = field_name(key)
    present = is_present(answers, key)
    value = questions.get_answer(answers, key)
    context = {
        "key": key,
        "name": name,
        "id": f"q-{name}",
        "kind": question.kind,
        "label": question.label,
        "help": question.help,
        "required": question.required,
        "visible": question.visible(answers),
        "show_if": json.dumps(question.show_if.as_dict()) if question.show_if else "",
        "errors": errors.get(key, []),
    }
    if question.kind == BOOL:
        context["options"] = [
            {"value": YES, "label": "Yes", "checked": present and value is True},
            {"value": NO, "label": "No", "checked": present and value is False},
        ]
    elif question.kind == CHOICE:
        options = [
            _option(question, code, present and value == code) for code, _label in question.choices
        ]
        context["select"] = len(options) > SELECT_ABOVE
        context["groups"] = _option_groups(question, options)
        context["columns"] = len(options) > 3
    elif question.kind == MULTI_CHOICE:
        picked = set(value or [])
        options = [_option(question, code, code in picked) for code, _label in question.choices]
        context["groups"] = _option_groups(question, options)
        context["columns"] = len(options) > 6
    elif question.kind == NUMBER:
        context["text"] = raw[key] if key in raw else format_number(value)
    return context


def _render_step(request, system, step, answers, *, errors=None, raw=None, status=200):
    slug = request.organization.slug
    base = _url("screening", slug, system)
    steps = _visible_steps(answers)
    tried = bool(request.session.get(_tried_key(system)))
    stepper = _stepper(steps, answers, step.slug, tried, base)
    index = [s.slug for s in steps].index(step.slug) if step in steps else 0
    draft = selectors.draft_of(system)
    context = {
        **_system_context(request, system),
        "step": step,
        "step_number": index + 1,
        "step_count": len(steps) + 1,
        "stepper": stepper,
        "is_first": index == 0,
        "questions": [
            _question_context(q, answers, errors or {}, raw or {}) for q in step.questions
        ],
        "errors": errors or {},
        "error_labels": [
            {"label": questions.QUESTIONS[k].label, "anchor": f"q-{field_name(k)}", "msg": m}
            for k, msgs in (errors or {}).items()
            if k in questions.QUESTIONS
            for m in msgs
        ],
        "answers": answers,
        "draft": draft,
        "post_url": f"{base}?step={step.slug}",
        "shown_field": SHOWN,
    }
    return render(request, "classification/screening_step.html", context, status=status)


def _review(request, system, answers: dict, latest):
    slug = request.organization.slug
    base = _url("screening", slug, system)
    request.session[_tried_key(system)] = True
    missing_keys = questions.missing_required(answers)
    form = ClassifyForm(request.POST if request.method == "POST" else None)
    problems: list[dict] = []
    preview = None
    if request.method == "POST" and form.is_valid():
        if missing_keys:
            messages.error(
                request, "Answer the questions listed below before saving the classification."
            )
        else:
            try:
                classification = services.classify_system(
                    system=system,
                    acting=request.membership,
                    screening=questions.answers_to_screening(answers),
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                problems = _problems(exc, base)
            else:
                request.session.pop(_tried_key(system), None)
                tier = codes.TIERS[classification.tier].label
                messages.success(
                    request,
                    f"Classification saved as version {classification.version}: {tier}.",
                )
                return redirect(
                    "classification:detail",
                    org_slug=slug,
                    system_uuid=system.uuid,
                    version=classification.version,
                )
    if not missing_keys and not problems:
        screening = questions.answers_to_screening(answers)
        try:
            result = services.evaluate_screening(screening)
        except ValidationError as exc:
            problems = _problems(exc, base)
        else:
            preview = describe_result(result, screening)
            preview["raw"] = result
    steps = _visible_steps(answers)
    missing: dict[str, dict] = {}
    for key in missing_keys:
        step = questions.step_of(key)
        entry = missing.setdefault(
            step.slug,
            {
                "step": step.title,
                "url": f"{base}?step={step.slug}#q-{field_name(key)}",
                "labels": [],
            },
        )
        entry["labels"].append(questions.QUESTIONS[key].label)
    same_as_latest = bool(preview and latest and latest.result == preview["raw"])
    context = {
        **_system_context(request, system),
        "stepper": _stepper(steps, answers, REVIEW, True, base),
        "step_count": len(steps) + 1,
        "groups": answer_groups(answers, edit_url=base),
        "missing": list(missing.values()),
        "missing_count": len(missing_keys),
        "problems": problems,
        "preview": preview,
        "latest": latest,
        "latest_tier": _label(codes.TIERS, latest.tier) if latest else None,
        "same_as_latest": same_as_latest,
        "form": form,
        "back_url": f"{base}?step={steps[-1].slug}" if steps else base,
    }
    status = 200
    return render(request, "classification/screening_review.html", context, status=status)


def _first_open_step(steps, answers: dict) -> questions.Step:
    missing = set(questions.missing_required(answers))
    for step in steps:
        if not all(is_answered(answers, q, missing) for q in step.questions if q.visible(answers)):
            return step
    return steps[0]


@require_action(Action.SCREEN_SYSTEMS)
def screening(request, org_slug, system_uuid):
    """Answer the screening one topic at a time; every move saves the answers as a draft."""
    system = get_system(request.organization, system_uuid)
    if not can_screen_system(request.membership, system):
        raise PermissionDenied("You can screen only the AI systems you own.")
    if system.archived_at:
        messages.error(request, "This system is archived. Restore it before screening it.")
        return redirect(system_url(org_slug, system) or _url("history", org_slug, system))
    draft = selectors.draft_of(system)
    latest = selectors.current_classification(system)
    answers = _starting_answers(system, draft, latest)
    steps = _visible_steps(answers)
    slug = request.GET.get("step", "")
    if slug == REVIEW:
        return _review(request, system, answers, latest)
    step = next((s for s in steps if s.slug == slug), None)
    if step is None:
        target = _first_open_step(steps, answers)
        return redirect(f"{_url('screening', org_slug, system)}?step={target.slug}")
    if request.method == "POST":
        return _save_step(request, system, step, answers)
    return _render_step(request, system, step, answers)


def _save_step(request, system, step, answers: dict):
    slug = request.organization.slug
    base = _url("screening", slug, system)
    posted, errors, raw = parse_step(step, request.POST)
    try:
        services.save_screening_answers(system=system, acting=request.membership, answers=posted)
    except ValidationError as exc:
        # Nothing was kept: show what was sent, with the reason.
        for key, msgs in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
            errors.setdefault(key, []).extend(msgs)
        if not request.headers.get("HX-Request"):
            messages.error(request, " ".join(exc.messages))
    answers = {**answers, **posted}
    if request.headers.get("HX-Request"):
        steps = _visible_steps(answers)
        tried = bool(request.session.get(_tried_key(system)))
        context = {
            "stepper": _stepper(steps, answers, step.slug, tried, base),
            "errors": [
                {"label": _question_label(k), "message": m}
                for k, msgs in errors.items()
                for m in msgs
            ],
            "saved_at": timezone.localtime(),
            "step_count": len(steps) + 1,
        }
        return render(request, "classification/_autosave.html", context)
    if errors:
        return _render_step(request, system, step, answers, errors=errors, raw=raw)
    steps = _visible_steps(answers)
    slugs = [s.slug for s in steps]
    index = slugs.index(step.slug) if step.slug in slugs else 0
    nav = request.POST.get("nav", "next")
    appeared = []
    if SHOWN in request.POST:
        shown = set(request.POST.getlist(SHOWN))
        appeared = [
            q
            for q in step.questions
            if q.visible(answers) and q.key not in shown and not is_present(answers, q.key)
        ]
    if nav == "exit":
        messages.success(request, "Your answers are saved. Continue the screening at any time.")
        return redirect(system_url(slug, system) or _url("history", slug, system))
    if nav == "back":
        target = slugs[max(index - 1, 0)]
    elif nav == "stay" or (nav == "next" and appeared):
        target = step.slug
        if appeared:
            messages.info(request, "Your answers bring up more questions on this page.")
    elif nav == REVIEW or index + 1 >= len(slugs):
        target = REVIEW
    else:
        target = slugs[index + 1]
    return redirect(f"{base}?step={target}")


# ---------------------------------------------------------------------------------------------
# Results, versions, comparison
# ---------------------------------------------------------------------------------------------


def _versions(system) -> list[int]:
    return list(
        selectors.classifications_of(system).order_by("version").values_list("version", flat=True)
    )


@require_action(Action.VIEW_REGISTER)
def detail(request, org_slug, system_uuid, version):
    """Show one classification version: the tier, why, and what the organisation must do."""
    system = get_system(request.organization, system_uuid)
    classification = selectors.get_classification(system, version)
    versions = _versions(system)
    position = versions.index(classification.version)
    previous = versions[position - 1] if position > 0 else None
    following = versions[position + 1] if position + 1 < len(versions) else None
    screening = classification.screening
    compare_url = None
    if previous is not None:
        compare_url = (
            f"{_url('compare', org_slug, system)}?from={previous}&to={classification.version}"
        )
    result = describe_result(classification.result, screening)
    show_route = result["tier"]["code"] not in ("prohibited", "out_of_scope")
    context = {
        **_system_context(request, system),
        "classification": classification,
        "show_route": show_route,
        "show_facts": show_route or result["basis"] or result["gpai"]["code"] != "none",
        "version_label": f"Version {classification.version}",
        "result": result,
        "groups": answer_groups(questions.screening_to_answers(screening)),
        "gpai_flops": format_number((screening.get("gpai") or {}).get("training_flops")),
        "versions": versions,
        "latest_version": versions[-1],
        "is_latest": following is None,
        "previous": previous,
        "following": following,
        "compare_url": compare_url,
        "download_url": _url("download", org_slug, system, version=classification.version),
        "today": timezone.localdate(),
    }
    return render(request, "classification/detail.html", context)


@require_action(Action.VIEW_REGISTER)
def download(request, org_slug, system_uuid, version):
    """Return the classification output (schema eu-ai-act-classification/1) as a JSON file."""
    system = get_system(request.organization, system_uuid)
    classification = selectors.get_classification(system, version)
    name = slugify(system.name) or "ai-system"
    response = HttpResponse(
        json.dumps(classification.result, indent=2, ensure_ascii=False) + "\n",
        content_type="application/json; charset=utf-8",
    )
    filename = f"{name}-classification-v{classification.version}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_action(Action.VIEW_REGISTER)
def history(request, org_slug, system_uuid):
    """List every classification version of a system, newest first, with a compare form."""
    system = get_system(request.organization, system_uuid)
    rows = list(selectors.classifications_of(system).order_by("-version"))
    versions = [c.version for c in reversed(rows)]
    context = {
        **_system_context(request, system),
        "rows": rows,
        "versions": versions,
        "compare_from": versions[-2] if len(versions) > 1 else None,
        "compare_to": versions[-1] if versions else None,
        "compare_url": _url("compare", org_slug, system),
        "draft": selectors.draft_of(system),
    }
    return render(request, "classification/history.html", context)


def _answer_changes(old_screening: dict, new_screening: dict, changes: list[dict]) -> list[dict]:
    """Return the changed answers in words, in questionnaire order."""
    rows = {}
    old_answers = questions.screening_to_answers(old_screening)
    new_answers = questions.screening_to_answers(new_screening)
    for change in changes:
        key = change["key"]
        question = questions.QUESTIONS.get(key)
        if question is None:
            question = questions.QUESTIONS.get(key.partition(".")[0])
            if question is None:
                continue
            key = question.key
        rows[key] = question
    # annex_i and gpai: a whole object that appears or disappears is one yes/no change.
    for key in questions.NULLABLE_OBJECT_KEYS:
        if (old_screening.get(key) is None) != (new_screening.get(key) is None):
            rows[key] = questions.QUESTIONS[key]
    order = list(questions.QUESTIONS)
    out = []
    for key in sorted(rows, key=order.index):
        question = rows[key]
        out.append(
            {
                "label": question.label,
                "step": questions.step_of(key).title,
                "old": display_answer(
                    question,
                    questions.get_answer(old_answers, key),
                    answered=is_present(old_answers, key),
                ),
                "new": display_answer(
                    question,
                    questions.get_answer(new_answers, key),
                    answered=is_present(new_answers, key),
                ),
            }
        )
    return out


_LIST_LABELS = {
    "high_risk_basis": "High-risk basis",
    "prohibited_practices": "Prohibited practices",
    "transparency": "Transparency duties",
}


def _code_label(kind: str, code: str, screening: dict) -> str:
    if kind == "high_risk_basis":
        rows = basis_rows({"high_risk_basis": [code]}, screening)
        return f"{rows[0]['label']} ({rows[0]['citation']})" if rows else code
    if kind == "prohibited_practices":
        entry = codes.PROHIBITED_PRACTICES.get(code)
        return f"{entry.label} ({entry.citation})" if entry else code
    entry = codes.OBLIGATIONS.get(code)
    return f"{entry.title} ({entry.citation})" if entry else code


@require_action(Action.VIEW_REGISTER)
def compare(request, org_slug, system_uuid):
    """Compare two versions: the tier, the answers, the obligations and the rules that moved."""
    system = get_system(request.organization, system_uuid)
    versions = _versions(system)
    base_context = {
        **_system_context(request, system),
        "versions": versions,
        "compare_url": _url("compare", org_slug, system),
    }
    choice = choose_versions(request.GET.get("from"), request.GET.get("to"), versions)
    first, second = choice.first, choice.second
    if choice.error:
        context = {
            **base_context,
            "error": choice.error,
            "compare_from": first if first in versions else (versions[-2:] or [None])[0],
            "compare_to": second if second in versions else (versions[-1:] or [None])[0],
        }
        return render(request, "classification/compare.html", context, status=choice.status)
    old = selectors.get_classification(system, first)
    new = selectors.get_classification(system, second)
    diff = compare_results(
        {"screening": old.screening, "result": old.result},
        {"screening": new.screening, "result": new.result},
    )
    old_obligations = {row["code"]: row for row in obligation_rows(old.result)}
    new_obligations = {row["code"]: row for row in obligation_rows(new.result)}
    obligations = diff["lists"].get("obligations", {"added": [], "removed": []})
    other_lists = [
        {
            "label": _LIST_LABELS[kind],
            "added": [_code_label(kind, c, new.screening) for c in change["added"]],
            "removed": [_code_label(kind, c, old.screening) for c in change["removed"]],
        }
        for kind, change in diff["lists"].items()
        if kind in _LIST_LABELS
    ]
    scalars = []
    for key, change in diff["result"].items():
        if key == "tier":
            continue
        if key == "gpai":
            table, label = codes.GPAI_CLASSES, "General-purpose AI model"
        elif key == "conformity_route":
            table, label = codes.CONFORMITY_ROUTES, "Conformity assessment"
        else:
            table, label = None, "Art. 6(3) derogation"
        show = (
            (lambda v, t=table: _label(t, v)["label"] if v else "None")
            if table
            else (lambda v: "Applied" if v else "Not applied")
        )
        scalars.append({"label": label, "old": show(change["old"]), "new": show(change["new"])})
    dates = [
        {
            "code": code,
            "title": codes.OBLIGATIONS[code].title if code in codes.OBLIGATIONS else code,
            "citation": codes.OBLIGATIONS[code].citation if code in codes.OBLIGATIONS else code,
            "old": date.fromisoformat(change["old"]) if change["old"] else None,
            "new": date.fromisoformat(change["new"]),
        }
        for code, change in sorted(
            diff["dates"].items(), key=lambda item: codes.article_sort_key(item[0])
        )
    ]
    context = {
        **base_context,
        "old": old,
        "new": new,
        "old_tier": _label(codes.TIERS, old.tier),
        "new_tier": _label(codes.TIERS, new.tier),
        "old_gpai": _label(codes.GPAI_CLASSES, old.gpai),
        "new_gpai": _label(codes.GPAI_CLASSES, new.gpai),
        "tier_changed": diff["tier_changed"],
        "answers": _answer_changes(old.screening, new.screening, diff["answers"]),
        "added": [new_obligations[c] for c in obligations["added"] if c in new_obligations],
        "removed": [old_obligations[c] for c in obligations["removed"] if c in old_obligations],
        "kept": len(set(old_obligations) & set(new_obligations)),
        "other_lists": other_lists,
        "scalars": scalars,
        "dates": dates,
        "why": diff["why"],
        "no_longer": diff["no_longer"],
        "compare_from": old.version,
        "compare_to": new.version,
        "old_url": _url("detail", org_slug, system, version=old.version),
        "new_url": _url("detail", org_slug, system, version=new.version),
    }
    return render(request, "classification/compare.html", context)
