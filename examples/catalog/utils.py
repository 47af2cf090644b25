"""SKU helpers. A SKU looks like ``ABC-12345-7``: a prefix, a five-digit
product number and a check digit."""


def check_digit(number: int) -> int:
    """The check digit of a product number (digits weighted 3, 1, 3, 1, 3)."""
    digits = [int(d) for d in f"{number:05d}"]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(digits))
    return (10 - total % 10) % 10


def _build_check_digits() -> dict[int, int]:
    table = {}
    for number in range(100_000):
        table[number] = check_digit(number)
    return table


#: The check digit of every product number, computed when the module is imported.
CHECK_DIGITS = _build_check_digits()  # expect: IMC401


def format_sku(prefix: str, number: int) -> str:
    """The SKU of product ``number`` in the range ``prefix``."""
    return f"{prefix}-{number:05d}-{CHECK_DIGITS[number]}"


def sku_is_valid(number: int, digit: int) -> bool:
    """Whether ``digit`` is the check digit of ``number``."""
    return CHECK_DIGITS.get(number) == digit
