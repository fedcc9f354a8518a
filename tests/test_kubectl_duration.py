"""kubectl's ages: HumanDuration and ShortHumanDuration at every boundary."""

from __future__ import annotations

import pytest

from kube_lab.kubectl.duration import human_duration, short_human_duration, since

MINUTE, HOUR, DAY, YEAR = 60, 3600, 86400, 365 * 86400


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-2, "<invalid>"),
        (-1.5, "0s"),  # one second of clock skew is "now"
        (-1, "0s"),
        (0, "0s"),
        (5.9, "5s"),  # truncated, never rounded
        (119, "119s"),
        (2 * MINUTE, "2m"),
        (2 * MINUTE + 10, "2m10s"),
        (9 * MINUTE + 59, "9m59s"),
        (10 * MINUTE, "10m"),
        (10 * MINUTE + 59, "10m"),
        (95 * MINUTE, "95m"),
        (3 * HOUR - 1, "179m"),
        (3 * HOUR, "3h"),
        (3 * HOUR + 5 * MINUTE, "3h5m"),
        (8 * HOUR - MINUTE, "7h59m"),
        (8 * HOUR, "8h"),
        (47 * HOUR + 59 * MINUTE, "47h"),
        (2 * DAY, "2d"),
        (2 * DAY + HOUR, "2d1h"),
        (8 * DAY - HOUR, "7d23h"),
        (8 * DAY, "8d"),
        (730 * DAY - 1, "729d"),
        (2 * YEAR, "2y"),
        (2 * YEAR + 34 * DAY, "2y34d"),
        (8 * YEAR - DAY, "7y364d"),
        (8 * YEAR, "8y"),
        (9 * YEAR + 3 * DAY, "9y"),
    ],
)
def test_human_duration_matches_apimachinery(seconds: float, text: str) -> None:
    assert human_duration(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-2, "<invalid>"),
        (-1, "0s"),
        (59, "59s"),
        (MINUTE, "1m"),
        (HOUR - 1, "59m"),
        (HOUR, "1h"),
        (DAY - 1, "23h"),
        (DAY, "1d"),
        (YEAR - 1, "364d"),
        (YEAR, "1y"),
        (3 * YEAR + 200 * DAY, "3y"),
    ],
)
def test_short_human_duration_keeps_one_unit(seconds: float, text: str) -> None:
    assert short_human_duration(seconds) == text


def test_since_measures_from_a_timestamp_to_the_cluster_clock() -> None:
    assert since("2025-01-01T00:00:05Z", now=135) == "2m10s"


def test_since_an_unset_timestamp_is_unknown() -> None:
    assert since(None, now=10) == "<unknown>"
    assert since("", now=10) == "<unknown>"
