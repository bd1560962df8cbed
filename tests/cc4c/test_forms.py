"""Every form says what is wrong in the GOV.UK way: a message naming the field, each once, under
a "There is a problem" summary at the top."""

import datetime
import importlib
import inspect

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.template import Context, Template

from cc4c import forms as cc4c_forms


class Example(cc4c_forms.Form):
    need = forms.ChoiceField(label="What you need", choices=[("a", "A"), ("b", "B")])
    practice = forms.ModelChoiceField(queryset=None, required=True)
    seen_on = forms.DateField(label="Date seen")
    hours = forms.DecimalField(min_value=0)
    people = forms.IntegerField(label="People reached")
    reason = forms.CharField(max_length=5)
    nhs = forms.CharField(label="NHS number")
    consent = forms.BooleanField(label="Consent recorded")
    note = forms.CharField(error_messages={"required": "Say what happened."})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from hubs.models import Practice

        self.fields["practice"].queryset = Practice.objects.none()
        # A field added after the base __init__ still gets a specific message.
        self.fields["later"] = forms.CharField(label="Place")


def test_an_empty_form_names_each_field_in_its_message(db):
    form = Example(data={})
    assert not form.is_valid()
    assert form.errors["need"] == ["Select what you need"]
    assert form.errors["practice"] == ["Select the practice"]
    assert form.errors["seen_on"] == ["Enter the date seen"]
    assert form.errors["nhs"] == ["Enter the NHS number"]
    assert form.errors["consent"] == ["Tick the box: consent recorded"]
    assert form.errors["later"] == ["Enter the place"]
    # A message the form chose itself is kept.
    assert form.errors["note"] == ["Say what happened."]
    assert "This field is required." not in str(form.errors)


def test_wrong_values_get_messages_naming_the_field(db):
    data = {"need": "z", "seen_on": "31/02/2026", "hours": "-1", "people": "two", "reason": "x" * 9}
    form = Example(data=data)
    assert not form.is_valid()
    not_an_option = "Select what you need: the choice sent is not one of the options"
    assert form.errors["need"] == [not_an_option]
    assert form.errors["seen_on"] == ["Date seen must be a real date"]
    assert form.errors["hours"] == ["Hours must be 0 or more"]
    assert form.errors["people"] == ["People reached must be a whole number"]
    assert form.errors["reason"] == ["Reason must be 5 characters or fewer"]


def _render(template, **context):
    return Template(template).render(Context(context))


def test_the_summary_lists_each_message_once_linked_to_its_field(db):
    form = Example(data={})
    form.add_error(None, "Nothing was saved.")
    form.add_error(None, "Nothing was saved.")
    html = _render(
        '{% include "includes/error_summary.html" %}{% include "includes/error_summary.html" %}',
        form=form,
    )
    assert html.count("There is a problem") == 1
    assert html.count("Nothing was saved.") == 1
    assert '<a href="#id_need">Select what you need</a>' in html
    # The summary says the message alone, not "Label: message".
    assert "What you need: Select" not in html


def test_a_crispy_form_shows_the_summary_once_and_each_field_message_once(db):
    form = Example(data={})
    html = _render(
        '{% load crispy_forms_tags %}{% include "includes/error_summary.html" %}{{ form|crispy }}',
        form=form,
    )
    assert html.count("There is a problem") == 1
    # Once in the summary, once at the field.
    assert html.count("Select what you need") == 2
    assert 'class="visually-hidden">Error: </span>Select what you need' in html


def test_crispy_alone_draws_the_summary_at_the_top_of_the_form(db):
    form = Example(data={})
    form.add_error(None, "Nothing was saved.")
    html = _render("{% load crispy_forms_tags %}{{ form|crispy }}", form=form)
    assert html.count("There is a problem") == 1
    assert html.count("Nothing was saved.") == 1
    assert html.index("There is a problem") < html.index('id="id_need"')


def _project_form_classes():
    root = str(settings.BASE_DIR)
    for config in apps.get_app_configs():
        if not config.path.startswith(root) or "site-packages" in config.path:
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.forms":
                raise
            continue
        for _name, klass in inspect.getmembers(module, inspect.isclass):
            if klass.__module__ == module.__name__ and issubclass(klass, forms.BaseForm):
                yield klass


def test_every_form_of_the_service_uses_the_base_classes():
    found = list(_project_form_classes())
    assert len(found) > 10
    plain = [k.__qualname__ for k in found if not issubclass(k, cc4c_forms.SpecificErrorsMixin)]
    assert not plain, f"subclass cc4c.forms.Form or ModelForm: {plain}"


@pytest.mark.parametrize("value", ["2026-02-31", "not a date"])
def test_a_date_that_is_not_real_is_named(value, db):
    class DateForm(cc4c_forms.Form):
        born = forms.DateField(label="Date of birth")

    form = DateForm(data={"born": value})
    assert form.errors["born"] == ["Date of birth must be a real date"]
    assert DateForm(data={"born": datetime.date(2020, 1, 2).isoformat()}).is_valid()
