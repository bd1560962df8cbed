"""Base form classes: every form of the service says what is wrong in the GOV.UK way.

A field left empty or filled wrongly gets a message naming it ("Select what you need", "Enter
the NHS number", "Date of birth must be a real date"), never Django's generic "This field is
required."; a message a form sets itself (``error_messages=...``) is kept. The page shows each
message once at its field and once in the error summary at the top
(templates/includes/error_summary.html, which crispy's error block renders too: see
templates/bootstrap5/errors.html).

Every form of an app subclasses ``Form`` or ``ModelForm`` from here (tests/cc4c/test_forms.py
checks it).
"""

import copy

from django import forms
from django.core import validators
from django.forms.utils import pretty_name


def _lower_first(text):
    # "Practice" -> "practice", but "NHS number" and "GP" keep their capitals.
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


# Labels that already read as a phrase: "What you need", "Your email", "The family consents".
_PHRASE_STARTS = (
    "a", "an", "the", "your", "their", "his", "her", "its", "this", "that", "these", "those",
    "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "if", "whether",
    "any", "some", "each", "every", "all", "one", "no",
)  # fmt: skip


def _the(name):
    """ "the practice", but "what you need" as it is."""
    first = name.split(" ", 1)[0].lower()
    return name if first in _PHRASE_STARTS else f"the {name}"


def _upper_first(text):
    return text[:1].upper() + text[1:]


def _messages_for(field, label):
    """The specific messages for one field: {error code: message}."""
    name = _lower_first(label)
    title = _upper_first(label)
    choosing = isinstance(
        field, forms.ChoiceField | forms.ModelChoiceField | forms.FileField
    ) or isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
    # Said without "from": a "select ... from" string reads as SQL to the linters.
    not_an_option = f"Select {_the(name)}: the choice sent is not one of the options"
    messages = {"invalid_choice": not_an_option}
    if isinstance(field, forms.BooleanField):
        messages["required"] = f"Tick the box: {name}"
    elif choosing:
        messages["required"] = f"Select {_the(name)}"
    else:
        messages["required"] = f"Enter {_the(name)}"
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        messages["invalid_list"] = not_an_option
        messages["invalid_pk_value"] = not_an_option
    if isinstance(field, forms.DateTimeField):
        messages["invalid"] = f"{title} must be a real date and time"
    elif isinstance(field, forms.DateField):
        messages["invalid"] = f"{title} must be a real date"
    elif isinstance(field, forms.TimeField):
        messages["invalid"] = f"{title} must be a real time, like 14:30"
    elif isinstance(field, forms.IntegerField):
        messages["invalid"] = f"{title} must be a whole number"
    elif isinstance(field, forms.DecimalField | forms.FloatField):
        messages["invalid"] = f"{title} must be a number"
    elif isinstance(field, forms.EmailField):
        messages["invalid"] = "Enter an email address in the correct format, like name@example.com"
    elif isinstance(field, forms.URLField):
        messages["invalid"] = "Enter a web address in the correct format, like https://example.org"
    return messages


def _limit_messages(title):
    """Messages for the limit validators a field carries (min_value, max_length...)."""
    return {
        validators.MinValueValidator: f"{title} must be %(limit_value)s or more",
        validators.MaxValueValidator: f"{title} must be %(limit_value)s or less",
        validators.MaxLengthValidator: f"{title} must be %(limit_value)d characters or fewer",
        validators.MinLengthValidator: f"{title} must be %(limit_value)d characters or more",
    }


def _django_default(field, code):
    """The message Django's own field classes give for ``code``, if the field still has it."""
    current = str(field.error_messages.get(code, ""))
    for klass in type(field).__mro__:
        default = getattr(klass, "default_error_messages", {}).get(code)
        if default is not None and str(default) == current:
            return True
    return False


def use_specific_messages(form):
    """Replace Django's generic messages on the form's fields with ones naming the field."""
    for name, field in form.fields.items():
        label = str(field.label or pretty_name(name)).strip().rstrip("?:").strip()
        for code, message in _messages_for(field, label).items():
            if code in field.error_messages and _django_default(field, code):
                field.error_messages[code] = message
        limits = _limit_messages(_upper_first(label))
        for i, validator in enumerate(field.validators):
            message = limits.get(type(validator))
            if message and str(validator.message) == str(type(validator).message):
                # A copy: a model field's validators are shared by every form made from it.
                field.validators[i] = copy.copy(validator)
                field.validators[i].message = message


class SpecificErrorsMixin:
    """Fields added or changed in a subclass's ``__init__`` are covered too: the messages are
    chosen when the form is validated."""

    def full_clean(self):
        use_specific_messages(self)
        super().full_clean()


class Form(SpecificErrorsMixin, forms.Form):
    pass


class ModelForm(SpecificErrorsMixin, forms.ModelForm):
    pass
