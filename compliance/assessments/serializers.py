"""API shapes of assessments, responses, actions and approvals."""

from rest_framework import serializers

from .models import (
    ActionStatus,
    AnswerStatus,
    Assessment,
    AssessmentApproval,
    AssessmentKind,
    ImplementationStatus,
    RemediationAction,
    Response,
)


class FrameworkRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    version = serializers.CharField()


class AssessmentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    framework = FrameworkRefSerializer(read_only=True)
    system = serializers.UUIDField(source="system.uuid", read_only=True, allow_null=True)
    classification_version = serializers.IntegerField(
        source="classification.version", read_only=True, allow_null=True
    )
    approved_by = serializers.EmailField(source="approved_by.email", read_only=True, default=None)
    score = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "title",
            "kind",
            "status",
            "framework",
            "system",
            "classification_version",
            "obligations",
            "notification",
            "version",
            "score",
            "created_at",
            "submitted_at",
            "approved_by",
            "approved_at",
            "reopened_at",
            "reopened_reason",
        ]
        read_only_fields = fields

    def get_score(self, obj) -> dict:
        scores = self.context.get("scores") or {}
        score = scores.get(obj.pk)
        return score.as_dict() if score is not None else None


class AssessmentCreateSerializer(serializers.Serializer):
    framework = serializers.CharField(max_length=80)
    system = serializers.UUIDField(required=False, allow_null=True)
    kind = serializers.ChoiceField(
        choices=AssessmentKind.choices, default=AssessmentKind.GAP_ANALYSIS
    )
    title = serializers.CharField(max_length=250, required=False, allow_blank=True)


class RequirementRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    obligation = serializers.CharField()
    title = serializers.CharField()
    citation = serializers.CharField()
    question = serializers.CharField()
    answer_type = serializers.CharField()
    choices = serializers.JSONField()


class EvidenceRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    title = serializers.CharField()
    kind = serializers.CharField()
    expired = serializers.BooleanField(source="is_expired")
    valid_until = serializers.DateField(allow_null=True)


class ResponseSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    requirement = RequirementRefSerializer(read_only=True)
    owner = serializers.EmailField(source="owner.email", read_only=True, default=None)
    answered_by = serializers.EmailField(source="answered_by.email", read_only=True, default=None)
    evidence = serializers.SerializerMethodField()
    suggested_evidence = serializers.SerializerMethodField()

    class Meta:
        model = Response
        fields = [
            "id",
            "requirement",
            "status",
            "maturity",
            "choice",
            "text",
            "date",
            "number",
            "justification",
            "owner",
            "due_date",
            "soa_applicable",
            "soa_justification",
            "implementation_status",
            "version",
            "answered_by",
            "answered_at",
            "evidence",
            "suggested_evidence",
        ]
        read_only_fields = fields

    def _refs(self, key, obj):
        items = (self.context.get(key) or {}).get(obj.pk, [])
        return EvidenceRefSerializer(items, many=True).data

    def get_evidence(self, obj) -> list[dict]:
        return self._refs("evidence", obj)

    def get_suggested_evidence(self, obj) -> list[dict]:
        return self._refs("suggested", obj)


class ResponseUpdateSerializer(serializers.Serializer):
    """A partial answer. `version` (or If-Match) is the response version the client read."""

    version = serializers.IntegerField(required=False, min_value=1)
    status = serializers.ChoiceField(choices=AnswerStatus.choices, required=False, allow_blank=True)
    maturity = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=5)
    choice = serializers.CharField(required=False, allow_blank=True, max_length=100)
    text = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    date = serializers.DateField(required=False, allow_null=True)
    number = serializers.DecimalField(
        required=False, allow_null=True, max_digits=20, decimal_places=4
    )
    justification = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    owner = serializers.EmailField(required=False, allow_null=True, allow_blank=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    soa_applicable = serializers.BooleanField(required=False, allow_null=True)
    soa_justification = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    implementation_status = serializers.ChoiceField(
        choices=ImplementationStatus.choices, required=False, allow_blank=True
    )


class TransitionSerializer(serializers.Serializer):
    action = serializers.CharField(max_length=20)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class NotificationSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1)
    authority = serializers.CharField(required=False, allow_blank=True, max_length=300)
    notified_on = serializers.DateField(required=False, allow_null=True)
    reference = serializers.CharField(required=False, allow_blank=True, max_length=300)
    template_version = serializers.CharField(required=False, allow_blank=True, max_length=300)
    exemption = serializers.CharField(required=False, allow_blank=True, max_length=300)


class ApprovalSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)

    class Meta:
        model = AssessmentApproval
        fields = ["id", "number", "approved_by_label", "approved_at", "score", "snapshot"]
        read_only_fields = fields


class ActionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    assessment = serializers.UUIDField(source="assessment.uuid", read_only=True)
    owner = serializers.EmailField(source="owner.email", read_only=True, default=None)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    responses = serializers.SerializerMethodField()

    class Meta:
        model = RemediationAction
        fields = [
            "id",
            "assessment",
            "title",
            "description",
            "owner",
            "due_date",
            "status",
            "overdue",
            "responses",
            "version",
            "created_at",
            "completed_at",
        ]
        read_only_fields = fields

    def get_responses(self, obj) -> list[dict]:
        return [
            {"id": str(r.uuid), "code": r.requirement.code, "obligation": r.requirement.obligation}
            for r in obj.responses.all()
        ]


class ActionWriteSerializer(serializers.Serializer):
    assessment = serializers.UUIDField(required=False)
    version = serializers.IntegerField(required=False, min_value=1)
    title = serializers.CharField(required=False, max_length=250)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    owner = serializers.EmailField(required=False, allow_null=True, allow_blank=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False)
    responses = serializers.ListField(
        child=serializers.UUIDField(), required=False, max_length=1000
    )
