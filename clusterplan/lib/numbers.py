"""Reading a number a user typed: one rule for every form, grid and import field.

``Decimal`` accepts ``NaN``, ``sNaN``, ``Infinity`` and ``1e309``; a database column of
``max_digits=14, decimal_places=2`` accepts none of them (SQLite raises in Django's
quantize, PostgreSQL answers "numeric field overflow"). ``parse_decimal`` refuses them with a
message in the user's language, so the caller can show it beside the field and save nothing.
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext as _

# The figures columns of the application (values, targets, parts): DecimalField(14, 2).
MAX_DIGITS = 14
DECIMAL_PLACES = 2


class NumberError(ValueError):
    """The text is not a number the application can store; ``message`` is translated."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def parse_decimal(raw, *, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES):
    """``raw`` (text or number) → a finite ``Decimal`` that fits the column, or ``None`` when empty.

    A decimal comma and spaces (including no-break spaces) between thousands are accepted.
    Raises ``NumberError`` for anything else: not a number, NaN, infinity, too many digits
    before or after the decimal point.
    """
    if raw is None:
        return None
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, bool):
        raise NumberError(_("Enter a number."))
    elif isinstance(raw, int):
        value = Decimal(raw)
    else:
        text = str(raw).strip()
        if not text:
            return None
        text = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
        if len(text) > 100:
            raise NumberError(_("Enter a number."))
        try:
            value = Decimal(text)
        except (InvalidOperation, ValueError):
            raise NumberError(_("“%(raw)s” is not a number.") % {"raw": str(raw).strip()[:40]}) from None
    if not value.is_finite():
        raise NumberError(_("Enter a finite number (not NaN or infinity)."))
    whole_digits = max_digits - decimal_places
    if abs(value) >= Decimal(10) ** whole_digits:
        raise NumberError(
            _("The number is too large: at most %(n)d digits before the decimal point.") % {"n": whole_digits}
        )
    exponent = value.as_tuple().exponent
    if exponent < -decimal_places and value != value.quantize(Decimal(1).scaleb(-decimal_places)):
        raise NumberError(_("At most %(n)d digits after the decimal point.") % {"n": decimal_places})
    return value.quantize(Decimal(1).scaleb(-decimal_places)) if exponent < -decimal_places else value


class NumberField(forms.DecimalField):
    """A form's decimal field that reads its text with ``parse_decimal`` (same rule as the grid)."""

    def __init__(self, *, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, **kwargs):
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if self.localize and isinstance(value, str):
            from django.utils.formats import sanitize_separators

            value = sanitize_separators(value)
        try:
            return parse_decimal(value, max_digits=self.max_digits, decimal_places=self.decimal_places)
        except NumberError as exc:
            raise forms.ValidationError(exc.message, code="invalid") from None


def parse_int(raw):
    """A whole number sent by a form or a hidden field (e.g. a version), or ``None`` when empty.

    Raises ``NumberError`` for ``abc``, ``1.5``, or a number beyond a 64-bit column.
    """
    if raw is None:
        return None
    text = str(raw).strip()
    if not text:
        return None
    if not (text.isascii() and text.lstrip("-").isdigit() and len(text) <= 19):
        raise NumberError(_("“%(raw)s” is not a whole number.") % {"raw": text[:40]})
    value = int(text)
    if abs(value) >= 2**63:
        raise NumberError(_("“%(raw)s” is not a whole number.") % {"raw": text[:40]})
    return value
