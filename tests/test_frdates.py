from datetime import date, datetime, timezone

import pytest

from rdvletters.errors import InputError
from rdvletters.frdates import PARIS, date_heure, jour, jour_complet, parse_when


def test_first_of_month_is_written_1er():
    assert jour(date(2026, 12, 1)) == "1er décembre 2026"
    assert jour(date(2026, 11, 27)) == "27 novembre 2026"
    assert jour_complet(date(2026, 12, 1)) == "mardi 1er décembre 2026"


def test_times_are_paris_time_with_h():
    utc = datetime(2026, 11, 27, 8, 15, tzinfo=timezone.utc)
    assert date_heure(utc) == "vendredi 27 novembre 2026 à 9 h 15"  # UTC+1 in winter
    summer = datetime(2026, 7, 1, 8, 15, tzinfo=timezone.utc)
    assert date_heure(summer).endswith("à 10 h 15")  # UTC+2 in summer


@pytest.mark.parametrize("text", ["2026-11-20 09:15", "20/11/2026 09:15", "2026-11-20T09h15"])
def test_parse_when_accepts_usual_forms(text):
    assert parse_when(text) == datetime(2026, 11, 20, 9, 15, tzinfo=PARIS)


@pytest.mark.parametrize("text", ["2026-11-20", "hier", "2026-02-30 10:00"])
def test_parse_when_refuses_incomplete_or_impossible(text):
    with pytest.raises(InputError, match="--at"):
        parse_when(text)
