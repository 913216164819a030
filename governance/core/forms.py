"""What every form-handling view shares."""

from django.core.exceptions import ValidationError


def apply_service_errors(form, exc: ValidationError) -> None:
    """Put a service's validation errors next to the form's fields (the rest on top)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
