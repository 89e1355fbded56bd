"""Every date box is one the browser fills: `<input type="date">` shows a value only when it is ISO
(2026-12-05); a French "05/12/2026" leaves the box empty (the export and supplier payment forms did)."""

import datetime
import importlib
import inspect
import re
from pathlib import Path

import pytest
from django import forms
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
FORM_MODULES = sorted(p.parent.name for p in ROOT.glob("*/forms.py"))
DAY = datetime.date(2026, 12, 5)


def date_fields():
    """(form class, field name, widget) for every date widget of every form class of the apps."""
    found = []
    for app in FORM_MODULES:
        module = importlib.import_module(f"grappe.{app}.forms")
        for _name, klass in inspect.getmembers(module, inspect.isclass):
            if not issubclass(klass, forms.BaseForm) or klass.__module__ != module.__name__:
                continue
            for field_name, field in klass.base_fields.items():
                if isinstance(field.widget, forms.DateInput):
                    found.append((klass, field_name, field.widget))
    return found


DATE_FIELDS = date_fields()


def test_there_are_date_fields():
    assert len(DATE_FIELDS) >= 15


@pytest.mark.parametrize(("klass", "name", "widget"), DATE_FIELDS,
                         ids=[f"{k.__module__.split('.')[1]}.{k.__name__}.{n}" for k, n, _w in DATE_FIELDS])
@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_date_widget_renders_iso(klass, name, widget, language):
    assert widget.input_type == "date", f"{klass.__name__}.{name} is a text box"
    with translation.override(language):
        assert widget.format_value(DAY) == "2026-12-05"
        assert 'value="2026-12-05"' in widget.render(name, DAY)


def test_a_form_prefilled_with_a_date_renders_it_iso():
    period_form = importlib.import_module("grappe.accounts.forms").PeriodForm  # the export's period
    with translation.override("fr"):
        html = str(period_form(initial={"debut": DAY, "fin": DAY})["debut"])
    assert 'type="date"' in html and 'value="2026-12-05"' in html


HAND_WRITTEN = re.compile(r'<input type="date"[^>]*value="([^"]*)"')
ISO_IN_VIEW = {"{{ row.date }}", "{{ entry.date }}"}  # orders/views.py passes date.isoformat()


def test_hand_written_date_boxes_format_their_value_iso():
    for template in ROOT.glob("*/templates/**/*.html"):
        for value in HAND_WRITTEN.findall(template.read_text()):
            assert "date:'Y-m-d'" in value or value in ISO_IN_VIEW, (template.name, value)
