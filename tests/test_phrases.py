"""The analysis's sentences (merge evidence, risk reasons) in both languages."""

from __future__ import annotations

import pickle
import re
import string

import pytest

from graph.analysis import risk
from graph.core import phrases
from graph.core.phrases import Joined, say


@pytest.mark.parametrize("key", sorted(phrases.PHRASES))
def test_both_languages_take_the_same_values(key):
    fields = [{f for _, f, _, _ in string.Formatter().parse(text) if f}
              for text in phrases.PHRASES[key]]
    assert fields[0] == fields[1], key


def test_a_phrase_is_its_english_text_and_says_itself_in_vietnamese():
    hops = say("hops", n=2)
    p = say("near_seizure", hops=hops, key="SZ-1", what="2017-03-19", via="")
    assert p == "2 hops from seizure SZ-1 (2017-03-19)"
    assert p.in_lang("vi") == "cách vụ bắt giữ SZ-1 2 bước (2017-03-19)"
    assert pickle.loads(pickle.dumps(p)).in_lang("vi") == p.in_lang("vi")
    joined = Joined([say("seizure_on", s="SZ-1", f="VN18"), say("seizure_on", s="SZ-2", f="X")])
    assert joined == "SZ-1 on VN18, SZ-2 on X"
    assert joined.in_lang("vi") == "SZ-1 trên chuyến VN18, SZ-2 trên chuyến X"


def test_risk_reasons_of_the_cigar_passenger_in_vietnamese(sample_lbug):
    english = [re.compile(re.escape(en.split("{")[0].strip()))
               for en, vi in phrases.PHRASES.values() if en.split("{")[0].strip()
               and en.split("{")[0].strip() != vi.split("{")[0].strip()]
    score = risk.RiskModel(sample_lbug).score("Person:P000901")
    assert score.contributions
    for c in score.contributions:
        vi = phrases.in_lang(c.reason, "vi")
        assert vi != str(c.reason)
        assert not [p.pattern for p in english if p.search(vi)], vi
