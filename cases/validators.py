"""Validation of identifiers the product stores."""

from django.core.exceptions import ValidationError


def nhs_number_is_valid(value: str) -> bool:
    """10 digits whose last is the modulus 11 check digit of the first nine."""
    digits = value.replace(" ", "")
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def validate_nhs_number(value: str) -> None:
    digits = value.replace(" ", "")
    if len(digits) != 10 or not digits.isdigit():
        raise ValidationError("NHS number must be 10 digits, like 943 476 5919")
    if not nhs_number_is_valid(digits):
        raise ValidationError("Enter a valid NHS number: check each digit, the last one does "
                              "not match the others")
