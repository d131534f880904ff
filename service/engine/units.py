"""Sizes and counts as people and Spark write them: '1024.3 MiB', '4g', '6Gi', '2 million'."""

from __future__ import annotations

import re

_BINARY = {
    "": 1,
    "b": 1,
    "byte": 1,
    "bytes": 1,
    "k": 1 << 10,
    "m": 1 << 20,
    "g": 1 << 30,
    "t": 1 << 40,
}

# Spark's own sizes (Utils.bytesToString, config values like "4g") are binary whatever the
# suffix says, so "GB", "GiB" and "g" all mean 2^30 here.
SIZE_PATTERN = r"(\d+(?:\.\d+)?)\s?((?i:[kmgt](?:i?b|i)?|bytes?|b))\b"
_SIZE = re.compile(rf"^{SIZE_PATTERN}$", re.IGNORECASE)
_COUNT = re.compile(
    r"^(\d+(?:[.,]\d+)*)\s?(k|m|thousand|million|millions|billion|bn)?$", re.IGNORECASE
)
_COUNT_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "millions": 1e6}
_COUNT_SCALE |= {"billion": 1e9, "bn": 1e9}


def parse_size(text: str) -> int | None:
    """Bytes in a size such as '1024.3 MiB', '4g', '6Gi', '268435602 bytes'; None if not one."""
    match = _SIZE.match(text.strip())
    if match is None:
        return None
    unit = match.group(2).lower()
    prefix = unit[0] if unit[0] in "kmgt" else ""
    return int(float(match.group(1)) * _BINARY[prefix])


def parse_setting_size(text: str) -> int | None:
    """A size setting's value: a size ('4g'), or one of the unitless sentinels Spark takes,
    0 (spark.driver.maxResultSize: no limit) and -1 (a broadcast threshold: disabled)."""
    value = text.strip()
    return int(value) if value in ("0", "-1") else parse_size(value)


def parse_bytes_setting(text: str) -> int | None:
    """A bytes setting's value (spark.sql.adaptive.advisoryPartitionSizeInBytes): a size with
    its unit ('64m'), or plain digits, which Spark reads as bytes."""
    value = text.strip()
    return int(value) if value.isdigit() else parse_size(value)


_DOTTED_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")


_DIGIT_UNDERSCORE = re.compile(r"(?<=\d)_(?=\d)")


def parse_count(text: str) -> int | None:
    """A count such as '400000', '400,000', '1_000_000', '20k', '2 million'; None if not one."""
    match = _COUNT.match(_DIGIT_UNDERSCORE.sub("", text.strip()))
    if match is None:
        return None
    digits = match.group(1).replace(",", "")
    # '1,842' and, with no scale word, '1.842' are thousands separators; '2.5 million' is a
    # decimal.
    if not match.group(2) and _DOTTED_THOUSANDS.fullmatch(digits):
        digits = digits.replace(".", "")
    number = float(digits)
    scale = _COUNT_SCALE.get((match.group(2) or "").lower(), 1.0)
    return int(number * scale)


def format_size(num_bytes: float) -> str:
    """Human size with a binary unit: 1503238553 -> '1.4 GiB'."""
    value = float(num_bytes)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(value) < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def spark_size(num_bytes: float, *, round_up_to: str = "m") -> str:
    """A value Spark accepts in a size config, rounded up: 1.4 GiB -> '1434m' or '2g'."""
    unit = 1 << 30 if round_up_to == "g" else 1 << 20
    whole = -(-int(num_bytes) // unit)
    return f"{whole}{round_up_to}"


# Spark's container overhead for a driver or executor: 10 % of its heap, at least 384 MiB
# (spark.driver.memoryOverhead / spark.executor.memoryOverhead when unset).
MIN_OVERHEAD = 384 << 20
OVERHEAD_FACTOR = 0.10
