"""Numbers written for LaTeX: the worked sums the lessons print (``z = 0.5\\cdot 1 + ...``)."""

from __future__ import annotations


def number(value: float, digits: int = 4) -> str:
    """A number for LaTeX: ``digits`` significant digits, 10^k instead of e-notation."""
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa}\times 10^{{{int(exponent)}}}"
    return "0" if text == "-0" else text


def factor(value: float, digits: int = 4) -> str:
    """A number as a factor in a product: negatives in parentheses."""
    text = number(value, digits)
    return f"({text})" if text.startswith("-") else text


def plus(value: float, digits: int = 4) -> str:
    """`` + v`` or `` - |v|`` for the last term of a sum."""
    text = number(abs(value), digits)
    return f" - {text}" if value < 0 and text != "0" else f" + {text}"
