"""Form fields shared by the public site's forms."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, refusing ids the database cannot hold with the field's own message.

    Django checks that each posted id is a whole number, but not that it fits
    the database's integer range, so ``settings=9223372036854775808`` reached
    SQLite and failed with a server error (an ``OverflowError``) instead of
    "Select a valid choice". The primary key's own validators know the range
    (https://docs.djangoproject.com/en/5.2/ref/models/fields/#integerfield).
    """

    def _check_values(self, value):
        if isinstance(value, (list, tuple)):
            key = self.to_field_name or "pk"
            model_field = self.queryset.model._meta.pk if key == "pk" else self.queryset.model._meta.get_field(key)
            for pk in value:
                try:
                    model_field.run_validators(model_field.to_python(pk))
                except (ValidationError, TypeError, ValueError):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                    ) from None
        return super()._check_values(value)


class ReadableMaxLengthValidator(MaxLengthValidator):
    """Django's length check, with the counts in its message written as people read them: "5,999", not "5999"."""

    def __call__(self, value):
        length, limit = self.clean(value), self.limit_value
        if self.compare(length, limit):
            params = {"limit_value": f"{limit:,}", "show_value": f"{length:,}", "value": value}
            raise ValidationError(self.message, code=self.code, params=params)


def readable_length_limits(form):
    """Give each of ``form``'s text fields a length message with its counts written "5,999".

    A field without a length message of its own gets one naming it: "Name
    must be 200 characters or fewer (it has 420)." Messages use
    ``%(limit_value)s`` and ``%(show_value)s``: the counts come as text.
    """
    for field in form.fields.values():
        message = field.error_messages.get("max_length") or (
            f"{field.label} must be %(limit_value)s characters or fewer (it has %(show_value)s)."
        )
        field.validators = [
            ReadableMaxLengthValidator(validator.limit_value, message)
            if type(validator) is MaxLengthValidator
            else validator
            for validator in field.validators
        ]
