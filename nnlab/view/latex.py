"""Numbers written for LaTeX: the worked sums the lessons print (``z = 0.5\\cdot 1 + ...``)."""

from __future__ import annotations

import math


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


def probability(value: float, digits: int = 4) -> str:
    """A sigmoid's output: never "1" or "0", which it cannot reach. 0.9999546 shows as
    0.99995 (as many digits as it takes), and one within 1e-10 of 1 as "> 0.9999999999"."""
    text = number(value, digits)
    if text not in ("1", "0"):
        return text
    if text == "1":
        gap = 1.0 - value
        if gap < 1e-10:
            return r"> 0.9999999999"
        decimals = 1 - math.floor(math.log10(gap))  # two digits past the run of nines
        return f"{value:.{decimals}f}".rstrip("0")
    return number(value, digits)  # tiny outputs already read like 4.54 x 10^-5
