"""Web pages of the EU AI Act screening: the guided questionnaire, the result, versions, comparison.

Views stay thin: the system comes through the register's doorway (404 for a foreign one), every
write goes through `services`, the words come from `presentation` and the step logic from
`steps`.
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

from governance.classification import (
    codes,
    draft_conflicts,
    presentation,
    questions,
    selectors,
    services,
    steps,
)
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
    field_name,
    format_number,
    is_present,
    parse_step,
    split_cleared,
    unknown_name,
)
from governance.classification.presentation import (
    answer_changes,
    answer_groups,
    code_label,
    describe_result,
    label,
    obligation_rows,
    question_label,
)
from governance.classification.steps import REVIEW
from governance.classification.versions import choose_versions
from governance.register.facts import unstated_facts
from governance.register.selectors import get_system
from governance.tenancy.permissions import require_action
from governance.tenancy.roles import Action

# ---------------------------------------------------------------------------------------------
# Who may screen, and where things are
# ---------------------------------------------------------------------------------------------


can_screen_system = services.can_screen_system


def system_url(org_slug: str, system) -> str | None:
    """Return the register's page of the system (None while the register has no such page)."""
    try:
        return reverse(
            "register:system-detail", kwargs={"org_slug": org_slug, "system_uuid": system.uuid}
        )
    except NoReverseMatch:
        return None


def system_edit_url(org_slug: str, system) -> str | None:
    """Return the register's edit page of the system (None while the register has none)."""
    try:
        return reverse(
            "register:system-edit", kwargs={"org_slug": org_slug, "system_uuid": system.uuid}
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
        # Facts the register leaves not stated: missing information, never read as "No".
        "unstated_facts": unstated_facts(system),
        "system_edit_url": system_edit_url(slug, system),
    }


# ---------------------------------------------------------------------------------------------
# The questionnaire
# ---------------------------------------------------------------------------------------------


def _tried_key(system) -> str:
    return f"classification:tried:{system.uuid}"


def _starting_answers(system, draft, latest) -> dict:
    """Answers to show: the draft, else the latest screening's explicit answers, else the role."""
    if draft is not None and draft.answers:
        return dict(draft.answers)
    if latest is not None:
        return questions.only_keys(
            questions.screening_to_answers(latest.screening), latest.answered_keys
        )
    # A suggestion from the register; it is saved once the officer moves on.
    return {"role": system.operator_role} if system.operator_role in codes.ROLES else {}


def _bar(answers: dict, current: str, tried: bool, base_url: str) -> dict:
    """Return the step bar and the "Step n of m" counter, from the one step logic."""
    number, count = steps.position(answers, current)
    items = [
        {
            "slug": item.slug,
            "title": item.title,
            "url": f"{base_url}?step={item.slug}",
            "state": item.state,
            "missing": item.missing,
            "complete": item.complete,
        }
        for item in steps.bar(answers, current, tried=tried)
    ]
    return {"stepper": items, "step_number": number, "step_count": count}


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
        "none_label": question.none_label,
        "autofocus": False,
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
        context["none_checked"] = present and value == []
    elif question.kind == NUMBER:
        context["text"] = raw[key] if key in raw else format_number(value)
        context["unknown_name"] = unknown_name(key)
        context["unknown_checked"] = present and value is None and key not in raw
    return context


def _render_step(
    request, system, step, answers, *, errors=None, raw=None, status=200, current=None
):
    slug = request.organization.slug
    base = _url("screening", slug, system)
    tried = bool(request.session.get(_tried_key(system)))
    bar = _bar(answers, step.slug, tried, base)
    draft = selectors.draft_of(system)
    contexts = [_question_context(q, answers, errors or {}, raw or {}) for q in step.questions]
    # Keyboard users land on the first question of the step (or the first one in error).
    first = next((q for q in contexts if q["visible"] and q["errors"]), None)
    first = first or next((q for q in contexts if q["visible"]), None)
    if first is not None:
        first["autofocus"] = True
    context = {
        **_system_context(request, system),
        **bar,
        "step": step,
        "is_first": bar["step_number"] == 1,
        "questions": contexts,
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
        # What this page shows, so a save cannot silently replace someone else's answer.
        "seen_name": draft_conflicts.SEEN,
        "seen": draft_conflicts.seen_field(
            (q.key for q in step.questions), answers if current is None else current
        ),
    }
    return render(request, "classification/screening_step.html", context, status=status)


def _missing_by_step(missing_keys: list[str], base: str) -> list[dict]:
    """Return the unanswered questions grouped by step, each with a link to it."""
    missing: dict[str, dict] = {}
    for key in missing_keys:
        step = questions.step_of(key)
        entry = missing.setdefault(
            step.slug,
            {"step": step.title, "url": f"{base}?step={step.slug}", "questions": []},
        )
        entry["questions"].append(
            {
                "label": questions.QUESTIONS[key].label,
                "url": f"{base}?step={step.slug}#q-{field_name(key)}",
            }
        )
    return list(missing.values())


def _save_review(request, system, answers, form, base):
    """Save the classification from the review; return (response, problems)."""
    try:
        classification = services.classify_system(
            system=system,
            acting=request.membership,
            screening=questions.answers_to_screening(answers),
            note=form.cleaned_data["note"],
            answered_keys=questions.explicit_keys(answers),
        )
    except ValidationError as exc:
        return None, presentation.problems(exc, base)
    request.session.pop(_tried_key(system), None)
    tier = codes.TIERS[classification.tier].label
    messages.success(request, f"Classification saved as version {classification.version}: {tier}.")
    response = redirect(
        "classification:detail",
        org_slug=request.organization.slug,
        system_uuid=system.uuid,
        version=classification.version,
    )
    return response, []


def _review(request, system, answers: dict, latest):
    slug = request.organization.slug
    base = _url("screening", slug, system)
    request.session[_tried_key(system)] = True
    missing_keys = questions.missing_required(answers)
    form = ClassifyForm(request.POST if request.method == "POST" else None)
    problems: list[dict] = []
    preview = None
    status = 200
    if request.method == "POST" and form.is_valid():
        if missing_keys:
            # The button is disabled, but a crafted POST must not classify on defaults either.
            messages.error(
                request, "Answer the questions listed below before saving the classification."
            )
            status = 400
        else:
            response, problems = _save_review(request, system, answers, form, base)
            if response is not None:
                return response
            status = 400
    if not missing_keys and not problems:
        screening = questions.answers_to_screening(answers)
        try:
            result = services.evaluate_screening(screening)
        except ValidationError as exc:
            problems = presentation.problems(exc, base)
        else:
            preview = describe_result(result, screening)
            preview["raw"] = result
    same_as_latest = bool(preview and latest and latest.result == preview["raw"])
    visible = steps.visible_steps(answers)
    context = {
        **_system_context(request, system),
        **_bar(answers, REVIEW, True, base),
        "groups": answer_groups(answers, edit_url=base),
        "missing": _missing_by_step(missing_keys, base),
        "missing_count": len(missing_keys),
        "problems": problems,
        "preview": preview,
        "latest": latest,
        "latest_tier": label(codes.TIERS, latest.tier) if latest else None,
        "same_as_latest": same_as_latest,
        "form": form,
        "back_url": f"{base}?step={visible[-1].slug}" if visible else base,
    }
    return render(request, "classification/screening_review.html", context, status=status)


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
    slug = request.GET.get("step", "")
    if slug == REVIEW:
        return _review(request, system, answers, latest)
    step = next((s for s in steps.visible_steps(answers) if s.slug == slug), None)
    if step is None:
        target = steps.first_open_step(answers)
        return redirect(f"{_url('screening', org_slug, system)}?step={target.slug}")
    if request.method == "POST":
        return _save_step(request, system, step, answers)
    return _render_step(request, system, step, answers)


def _autosaved(request, system, step, answers, errors, *, seen=None):
    """Answer an autosave (htmx): the status, with the step bar and counter out of band."""
    base = _url("screening", request.organization.slug, system)
    tried = bool(request.session.get(_tried_key(system)))
    context = {
        **_bar(answers, step.slug, tried, base),
        "errors": [
            {"label": question_label(k), "message": m} for k, msgs in errors.items() for m in msgs
        ],
        "saved_at": timezone.localtime(),
        "seen": seen,
        "seen_name": draft_conflicts.SEEN,
    }
    return render(request, "classification/_autosave.html", context)


def _save_step(request, system, step, answers: dict):
    slug = request.organization.slug
    base = _url("screening", slug, system)
    posted, errors, raw = parse_step(step, request.POST)
    posted, cleared = split_cleared(posted)
    seen = draft_conflicts.read_seen(request.POST.get(draft_conflicts.SEEN))
    refused: dict = {}
    try:
        draft = services.save_screening_answers(
            system=system,
            acting=request.membership,
            answers=posted,
            cleared=cleared,
            seen=seen,
            shown=answers,
        )
    except ValidationError as exc:
        # Nothing was kept: show what was sent, with the reason.
        for key, msgs in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
            errors.setdefault(key, []).extend(msgs)
        if not request.headers.get("HX-Request"):
            messages.error(request, " ".join(exc.messages))
    else:
        refused = draft.refused
        answers = {k: v for k, v in answers.items() if k not in set(cleared) - set(refused)}
        answers.update(draft.answers)
    for key, theirs in refused.items():
        errors.setdefault(key, []).append(draft_conflicts.changed_message(key, theirs))
    # What the officer sees next: their own input, also where it was refused.
    current, answers = dict(answers), {**answers, **posted}
    for key in set(cleared) & set(refused):
        answers.pop(key, None)
    if request.headers.get("HX-Request"):
        seen_now = draft_conflicts.seen_after(step, current, seen, refused)
        return _autosaved(request, system, step, answers, errors, seen=seen_now)
    if errors:
        return _render_step(request, system, step, answers, errors=errors, raw=raw, current=current)
    nav = request.POST.get("nav", "next")
    appeared = False
    if SHOWN in request.POST:
        shown = set(request.POST.getlist(SHOWN))
        appeared = any(
            q.visible(answers) and q.key not in shown and not is_present(answers, q.key)
            for q in step.questions
        )
    if nav == "exit":
        messages.success(request, "Your answers are saved. Continue the screening at any time.")
        return redirect(system_url(slug, system) or _url("history", slug, system))
    if appeared and nav == "next":
        messages.info(request, "Your answers bring up more questions on this page.")
    return redirect(f"{base}?step={steps.target(answers, step.slug, nav, appeared=appeared)}")


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
        "defaulted": presentation.defaulted_rows(classification),
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
            "label": presentation.LIST_LABELS[kind],
            "added": [code_label(kind, c, new.screening) for c in change["added"]],
            "removed": [code_label(kind, c, old.screening) for c in change["removed"]],
        }
        for kind, change in diff["lists"].items()
        if kind in presentation.LIST_LABELS
    ]
    scalars = []
    for key, change in diff["result"].items():
        if key == "tier":
            continue
        if key == "gpai":
            table, title = codes.GPAI_CLASSES, "General-purpose AI model"
        elif key == "conformity_route":
            table, title = codes.CONFORMITY_ROUTES, "Conformity assessment"
        else:
            table, title = None, "Art. 6(3) derogation"
        show = (
            (lambda v, t=table: label(t, v)["label"] if v else "None")
            if table
            else (lambda v: "Applied" if v else "Not applied")
        )
        scalars.append({"label": title, "old": show(change["old"]), "new": show(change["new"])})
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
        "old_tier": label(codes.TIERS, old.tier),
        "new_tier": label(codes.TIERS, new.tier),
        "old_gpai": label(codes.GPAI_CLASSES, old.gpai),
        "new_gpai": label(codes.GPAI_CLASSES, new.gpai),
        "tier_changed": diff["tier_changed"],
        "answers": answer_changes(old.screening, new.screening, diff["answers"]),
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
