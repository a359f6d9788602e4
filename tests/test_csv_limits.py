"""CSV uploads have a bounded cost: bytes, rows and line length are limited as the text is read.

The issue's shapes (50 MB of one line of commas: 26 M fields were built before the row count
was checked; a 50 MB valid file: 3 s and +240 MB) are made here at a smaller scale, with the
limits lowered through the parameters, and the memory a refusal costs is measured.
"""

import tracemalloc

import pytest

from nnlab import datasets as ds
from nnlab.datasets import from_csv_text

MB = 2**20


def _peak(call):
    """(the ValueError's message, the peak memory it cost in bytes)."""
    tracemalloc.start()
    try:
        with pytest.raises(ValueError) as error:
            call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return str(error.value), peak


@pytest.mark.parametrize("kind", [str, bytes])
def test_a_line_of_commas_is_refused_without_splitting_it(kind):
    text = "," * (5 * MB)
    data = text if kind is str else text.encode()
    message, peak = _peak(lambda: from_csv_text(data, max_bytes=10 * MB, max_line=10 * MB))
    assert message == "row 1: expected 3 comma-separated values (x1,x2,label), got 5,242,881 " \
                      "(a header row, if any, must read x1,x2,label)"
    # Splitting it would build 5 M strings (~250 MB); decoding bytes costs one copy.
    assert peak < 1.5 * len(data), f"peak {peak / MB:.1f} MB"


def test_a_long_line_is_refused_by_its_length_before_it_is_read():
    text = "x1,x2,label\n" + "1" * MB + ",2,0\n"
    message, peak = _peak(lambda: from_csv_text(text, max_bytes=10 * MB))
    assert message == f"row 2: at most {ds.CSV_MAX_LINE} characters per line; got 1,048,580"
    assert peak < 64 * 1024, f"peak {peak / 1024:.0f} kB"


def test_a_big_valid_file_stops_at_the_row_limit_as_it_reads():
    rows = "".join(f"{i % 7}.25,{i % 5}.5,{i % 2}\n" for i in range(200_000))  # ~2.4 MB
    message, peak = _peak(lambda: from_csv_text("x1,x2,label\n" + rows, max_bytes=10 * MB,
                                                max_rows=1000))
    assert message == "row 1002: too many rows; at most 1,000 data rows are allowed"
    assert peak < 5 * MB, f"peak {peak / MB:.1f} MB"  # the joined text itself is 2.4 MB


@pytest.mark.parametrize("kind", [str, bytes])
def test_a_file_over_the_byte_limit_is_refused_before_it_is_decoded(kind):
    text = "0,0,0\n" * (ds.CSV_MAX_BYTES // 6 + 1)
    data = text if kind is str else text.encode()
    message, peak = _peak(lambda: from_csv_text(data))
    unit = " characters" if kind is str else ""
    assert message == f"file: at most {ds.CSV_MAX_BYTES:,} bytes (about 20,000 rows); got " \
                      f"{len(data):,}{unit}"
    assert peak < 64 * 1024


def test_the_default_limits_take_the_largest_allowed_file():
    rows = "".join(f"{-1.2345678901234567e-05 * i:.17g},{0.987654321 * i:.17g},{i % 2}\n"
                   for i in range(ds.CSV_MAX_ROWS))
    text = "x1,x2,label\n" + rows
    assert len(text) < ds.CSV_MAX_BYTES
    assert len(from_csv_text(text.encode())) == ds.CSV_MAX_ROWS


def test_old_mac_line_ends_still_read():
    assert len(from_csv_text("x1,x2,label\r0,0,0\r0,1,1\r1,0,1\r1,1,0\r")) == 4
