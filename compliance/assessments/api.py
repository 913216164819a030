"""REST API of assessments: build, list, answer (409 on a stale version), review, actions.

Items are named by their stable catalogue id (`requirement.code`, e.g. `art_9.16`) and their
article or clause (`requirement.obligation`, e.g. `art_9`). A stale save answers 409 with the
current row under `current`; send `version` in the body or the ETag in `If-Match`.
"""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.response import Response as APIResponse

from governance.core.api import OrganizationScopedMixin, Pagination, error_body
from governance.register.selectors import systems_of
from governance.tenancy.models import Membership
from governance.tenancy.roles import Action

from . import remediation, selectors, services, workflow
from .concurrency import StaleVersion, parse_version
from .serializers import (
    ActionSerializer,
    ActionWriteSerializer,
    ApprovalSerializer,
    AssessmentCreateSerializer,
    AssessmentSerializer,
    NotificationSerializer,
    ResponseSerializer,
    ResponseUpdateSerializer,
    TransitionSerializer,
)


def member_user(organization, email):
    """Return the user of the organisation with this email, or raise a field error."""
    if email in (None, ""):
        return None
    membership = (
        Membership.objects.filter(organization=organization, user__email__iexact=email)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise ValidationError({"owner": "No member of this organisation has this email."})
    return membership.user


def conflict(exc: StaleVersion, serializer_class, context=None) -> APIResponse:
    body = error_body(409, "conflict", str(exc))
    body["current"] = serializer_class(exc.current, context=context or {}).data
    return APIResponse(body, status=status.HTTP_409_CONFLICT)


def version_from(request, data) -> int:
    version = parse_version(data.get("version") or request.headers.get("If-Match"))
    if version is None:
        raise ValidationError({"version": "Send the version you read (body or If-Match)."})
    return version


class ReadAssessmentsMixin(OrganizationScopedMixin):
    """Auditors read the assessments granted to them: their role has VIEW_GRANTED only."""

    def required_action_for(self, request):
        # Every GET reads; writes follow the table.
        required = (
            Action.VIEW_ASSESSMENTS
            if request.method == "GET"
            else super().required_action_for(request)
        )
        membership = request.membership
        if required == Action.VIEW_ASSESSMENTS and not membership.can(required):
            return Action.VIEW_GRANTED_ASSESSMENTS
        return required


class AssessmentViewSet(ReadAssessmentsMixin, viewsets.GenericViewSet):
    """Assessments of the organisation: EU AI Act per AI system, ISO/IEC 42001 for the AIMS."""

    serializer_class = AssessmentSerializer
    pagination_class = Pagination
    required_actions = {
        "list": Action.VIEW_ASSESSMENTS,
        "retrieve": Action.VIEW_ASSESSMENTS,
        "responses": Action.VIEW_ASSESSMENTS,
        "approvals": Action.VIEW_ASSESSMENTS,
        "changes": Action.VIEW_ASSESSMENTS,
        "create": Action.EDIT_ASSESSMENTS,
        "response": Action.EDIT_ASSESSMENTS,
        "transitions": Action.EDIT_ASSESSMENTS,
        "refresh": Action.EDIT_ASSESSMENTS,
        "notification": Action.EDIT_ASSESSMENTS,
    }

    def organization_queryset(self):
        return selectors.assessments_for_member(self.membership).select_related(
            "classification", "approved_by"
        )

    def get_object(self):
        return selectors.get_assessment_for_member(self.membership, self.kwargs["uuid"])

    def _context(self, assessments):
        items = selectors.scoring_items_by_assessment([a.pk for a in assessments])
        from . import scoring

        scores = {a.pk: scoring.score_items(items.get(a.pk, [])) for a in assessments}
        return {**self.get_serializer_context(), "scores": scores}

    def _one(self, assessment, code=status.HTTP_200_OK):
        data = AssessmentSerializer(assessment, context=self._context([assessment])).data
        return APIResponse(data, status=code)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset().order_by("-created_at"))
        data = AssessmentSerializer(page, many=True, context=self._context(page)).data
        return self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        return self._one(self.get_object())

    @extend_schema(request=AssessmentCreateSerializer, responses={201: AssessmentSerializer})
    def create(self, request, *args, **kwargs):
        payload = AssessmentCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        system = None
        if data.get("system"):
            system = systems_of(self.organization).filter(uuid=data["system"]).first()
            if system is None:
                raise ValidationError({"system": "No such AI system in this organisation."})
        assessment = services.create_assessment(
            organization=self.organization,
            acting=self.membership,
            framework_slug=data["framework"],
            system=system,
            kind=data["kind"],
            title=data.get("title", ""),
        )
        return self._one(
            selectors.get_assessment_for_member(self.membership, assessment.uuid),
            status.HTTP_201_CREATED,
        )

    @extend_schema(responses={200: ResponseSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def responses(self, request, *args, **kwargs):
        """The assessment's items and answers, paginated, in reading order."""
        assessment = self.get_object()
        qs = selectors.response_rows(assessment)
        obligation = request.query_params.get("obligation")
        if obligation:
            qs = qs.filter(requirement__obligation=obligation[:40])
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(
            ResponseSerializer(page, many=True, context=_evidence_context(assessment, page)).data
        )

    @extend_schema(
        methods=["PATCH"],
        request=ResponseUpdateSerializer,
        responses={200: ResponseSerializer, 409: OpenApiResponse(description="Stale version")},
    )
    @extend_schema(methods=["GET"], responses={200: ResponseSerializer})
    @action(
        detail=True,
        methods=["get", "patch"],
        url_path=r"responses/(?P<response_uuid>[0-9a-fA-F-]{36})",
    )
    def response(self, request, *args, **kwargs):
        """One item: read it, or answer it (PATCH with the version you read)."""
        assessment = self.get_object()
        item = selectors.get_response(assessment, kwargs["response_uuid"])
        if request.method == "GET":
            return self._response_out(assessment, item)
        payload = ResponseUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        version = version_from(request, data)
        data.pop("version", None)
        if "owner" in data:
            data["owner"] = member_user(self.organization, data["owner"])
        try:
            services.answer_response(
                response=item, acting=self.membership, version=version, data=data
            )
        except StaleVersion as exc:
            return conflict(exc, ResponseSerializer)
        return self._response_out(assessment, selectors.get_response(assessment, item.uuid))

    def _response_out(self, assessment, item):
        context = _evidence_context(assessment, [item])
        out = APIResponse(ResponseSerializer(item, context=context).data)
        out["ETag"] = f'"{item.version}"'
        return out

    @extend_schema(request=TransitionSerializer, responses={200: AssessmentSerializer})
    @action(detail=True, methods=["get", "post"])
    def transitions(self, request, *args, **kwargs):
        """Move the workflow (POST): start, submit, return, approve, reopen (with a reason).

        GET lists the moves the caller may make from the current status.
        """
        assessment = self.get_object()
        if request.method == "GET":
            moves = workflow.available_moves(assessment.status, self.membership.role)
            return APIResponse(
                {
                    "status": assessment.status,
                    "moves": [
                        {"action": m.action, "to": m.target, "needs_reason": m.needs_reason}
                        for m in moves
                    ],
                }
            )
        payload = TransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            assessment = services.transition_assessment(
                assessment=assessment,
                acting=self.membership,
                action=payload.validated_data["action"],
                reason=payload.validated_data.get("reason", ""),
            )
        except workflow.TransitionInvalid as exc:
            raise ValidationError({"action": str(exc)}) from exc
        except workflow.TransitionForbidden as exc:
            raise DRFPermissionDenied(str(exc)) from exc
        return self._one(assessment)

    @extend_schema(responses={200: ApprovalSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def approvals(self, request, *args, **kwargs):
        """Every approved version, kept intact after a reopen."""
        assessment = self.get_object()
        return APIResponse(ApprovalSerializer(selectors.approvals_of(assessment), many=True).data)

    @action(detail=True, methods=["get"])
    def changes(self, request, *args, **kwargs):
        """Items the system's current classification adds or drops (EU AI Act)."""
        pending = services.pending_changes(self.get_object())
        if pending is None:
            return APIResponse({"up_to_date": True, "added": [], "dropped": []})
        return APIResponse(
            {
                "up_to_date": False,
                "classification_version": pending["classification"].version,
                "added": [r.code for r in pending["added"]],
                "dropped": [r.requirement.code for r in pending["dropped"]],
            }
        )

    @action(detail=True, methods=["get", "post"])
    def refresh(self, request, *args, **kwargs):
        """Bring the assessment up to date with the classification (POST); answers are kept.

        GET shows what a POST would change.
        """
        if request.method == "GET":
            return self.changes(request, *args, **kwargs)
        summary = services.bring_up_to_date(assessment=self.get_object(), acting=self.membership)
        return APIResponse(summary)

    @extend_schema(request=NotificationSerializer, responses={200: AssessmentSerializer})
    @action(detail=True, methods=["get", "put"])
    def notification(self, request, *args, **kwargs):
        """FRIA only: the Art. 27(3) notification to the market surveillance authority."""
        assessment = self.get_object()
        if request.method == "GET":
            return APIResponse({"version": assessment.version, **assessment.notification})
        payload = NotificationSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        version = version_from(request, data)
        try:
            services.save_fria_notification(
                assessment=assessment, acting=self.membership, version=version, data=data
            )
        except StaleVersion as exc:
            return conflict(exc, AssessmentSerializer, {"scores": {}})
        return self._one(selectors.get_assessment_for_member(self.membership, assessment.uuid))


def _evidence_context(assessment, responses) -> dict:
    from compliance.evidence.selectors import evidence_by_response, suggested_evidence

    responses = list(responses)
    return {
        "evidence": evidence_by_response(assessment.organization, [r.pk for r in responses]),
        "suggested": suggested_evidence(assessment.organization, responses),
    }


class RemediationActionViewSet(ReadAssessmentsMixin, viewsets.GenericViewSet):
    """Remediation actions: a gap's fix, with owner, due date and status. `?mine=1` filters."""

    serializer_class = ActionSerializer
    pagination_class = Pagination
    required_actions = {
        "list": Action.VIEW_ASSESSMENTS,
        "retrieve": Action.VIEW_ASSESSMENTS,
        "create": Action.EDIT_ASSESSMENTS,
        "partial_update": Action.EDIT_ASSESSMENTS,
    }

    def organization_queryset(self):
        return selectors.actions_for_member(self.membership).prefetch_related(
            "responses__requirement"
        )

    def list(self, request, *args, **kwargs):
        qs = self.get_queryset()
        if request.query_params.get("mine"):
            qs = qs.filter(owner=request.user)
        if request.query_params.get("assessment"):
            qs = qs.filter(assessment__uuid=_uuid_or_none(request.query_params["assessment"]))
        page = self.paginate_queryset(qs.order_by("due_date", "created_at"))
        return self.get_paginated_response(ActionSerializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return APIResponse(ActionSerializer(self._get()).data)

    def _get(self):
        return selectors.get_action_for_member(self.membership, self.kwargs["uuid"])

    @extend_schema(request=ActionWriteSerializer, responses={201: ActionSerializer})
    def create(self, request, *args, **kwargs):
        payload = ActionWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        if not data.get("assessment"):
            raise ValidationError({"assessment": "Name the assessment the action belongs to."})
        try:
            assessment = selectors.get_assessment_for_member(
                self.membership, data.pop("assessment")
            )
        except Exception as exc:
            raise ValidationError({"assessment": "No such assessment."}) from exc
        response_uuids = data.pop("responses", [])
        if "owner" in data:
            data["owner"] = member_user(self.organization, data["owner"])
        created = remediation.create_action(
            assessment=assessment, acting=self.membership, data=data, response_uuids=response_uuids
        )
        return APIResponse(
            ActionSerializer(selectors.get_action_for_member(self.membership, created.uuid)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=ActionWriteSerializer, responses={200: ActionSerializer})
    def partial_update(self, request, *args, **kwargs):
        item = self._get()
        payload = ActionWriteSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        data.pop("assessment", None)
        version = version_from(request, data)
        data.pop("version", None)
        response_uuids = data.pop("responses", None)
        if "owner" in data:
            data["owner"] = member_user(self.organization, data["owner"])
        try:
            remediation.update_action(
                action=item,
                acting=self.membership,
                version=version,
                data=data,
                response_uuids=response_uuids,
            )
        except StaleVersion as exc:
            return conflict(exc, ActionSerializer)
        return APIResponse(ActionSerializer(self._get()).data)


def _uuid_or_none(value):
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
