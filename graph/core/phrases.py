"""Sentences the analysis writes for people (merge evidence, risk reasons), in
English and Vietnamese.

A `Phrase` is a str: its English text, so JSON, the command line and every test
that reads it see what they always saw; `in_lang("vi")` says it in Vietnamese
with the same values. Values are formatted once, in the English and the
Vietnamese templates alike (`{a!r}` quotes a name the same way in both).

    >>> p = say("same_nationality", n="VN", pts="+5")
    >>> p, p.in_lang("vi")
    ('same nationality VN (+5)', 'cùng quốc tịch VN (+5)')
    >>> import pickle
    >>> pickle.loads(pickle.dumps(p)).in_lang("vi")
    'cùng quốc tịch VN (+5)'
"""

from __future__ import annotations

LANGS = ("en", "vi")

# key: (English, Vietnamese)
PHRASES: dict[str, tuple[str, str]] = {
    # --- entity resolution (graph.analysis.resolve) ------------------------------------------
    "names_similar": ("names {a!r} / {b!r}: similarity {sim} ({pts})",
                      "tên {a!r} / {b!r}: độ tương đồng {sim} ({pts})"),
    "company_names_similar": (
        "names {a!r} / {b!r} read {ca!r} / {cb!r} without legal-form words: "
        "similarity {sim} ({pts})",
        "tên {a!r} / {b!r}, bỏ các từ chỉ loại hình doanh nghiệp, đọc là {ca!r} / {cb!r}: "
        "độ tương đồng {sim} ({pts})"),
    "same_passport": ("same passport {a!r} / {b!r} ({pts})",
                      "cùng hộ chiếu {a!r} / {b!r} ({pts})"),
    "different_passports": ("different passports {a!r} / {b!r} ({pts})",
                            "hộ chiếu khác nhau {a!r} / {b!r} ({pts})"),
    "same_dob": ("same date of birth {d} ({pts})", "cùng ngày sinh {d} ({pts})"),
    "different_dobs": ("different dates of birth {a} / {b} ({pts})",
                       "ngày sinh khác nhau {a} / {b} ({pts})"),
    "same_nationality": ("same nationality {n} ({pts})", "cùng quốc tịch {n} ({pts})"),
    "different_nationalities": ("different nationalities {a} / {b} ({pts})",
                                "quốc tịch khác nhau {a} / {b} ({pts})"),
    "same_country": ("same country {n} ({pts})", "cùng quốc gia {n} ({pts})"),
    "different_countries": ("different countries {a} / {b} ({pts})",
                            "quốc gia khác nhau {a} / {b} ({pts})"),
    "one_enterprise": ("tax codes {a} / {b}: one enterprise (a branch shares the first 10 "
                       "digits) ({pts})",
                       "mã số thuế {a} / {b}: cùng một doanh nghiệp (chi nhánh có chung 10 "
                       "chữ số đầu) ({pts})"),
    "two_enterprises": ("different Vietnamese tax codes {a} / {b}: two enterprises unless "
                        "one record is wrong ({pts})",
                        "mã số thuế Việt Nam khác nhau {a} / {b}: hai doanh nghiệp, trừ khi "
                        "một bản ghi sai ({pts})"),
    "shared_phone": ("shared phone {v} ({pts})", "chung số điện thoại {v} ({pts})"),
    "shared_email": ("shared e-mail {v} ({pts})", "chung thư điện tử {v} ({pts})"),
    "shared_address": ("shared address {v!r} ({pts})", "chung địa chỉ {v!r} ({pts})"),
    "shared_capped": ("shared identifiers capped at +{cap}",
                      "điểm định danh chung giới hạn ở +{cap}"),
    # --- risk (graph.analysis.risk) -------------------------------------------------------------
    "rule_capped": ("{rule} capped at {cap} points", "{rule} giới hạn ở {cap} điểm"),
    "hop": ("{n} hop", "{n} bước"),
    "hops": ("{n} hops", "{n} bước"),
    "near_seizure": ("{hops} from seizure {key} ({what}){via}",
                     "cách vụ bắt giữ {key} {hops} ({what}){via}"),
    "via": (" via {path}", " qua {path}"),
    "Phone": ("phone", "số điện thoại"),
    "Email": ("email", "thư điện tử"),
    "Address": ("address", "địa chỉ"),
    "shares_identifier": ("shares {kind} {value!r} with {other}, named in seizure {seizures}",
                          "dùng chung {kind} {value!r} với {other}, có tên trong vụ bắt "
                          "giữ {seizures}"),
    "flight": ("{n} flight", "{n} chuyến"),
    "flights": ("{n} flights", "{n} chuyến"),
    "seizure_on": ("{s} on {f}", "{s} trên chuyến {f}"),
    "seized_route": ("flew {o}->{d} ({n}: {flights}); seizures on this route: {seizures}",
                     "đã bay {o}->{d} ({n}: {flights}); các vụ bắt giữ trên tuyến này: "
                     "{seizures}"),
    "unit_value": ("declaration {decl} line {line}: HS {hs} at {uv} USD/{unit}, {pct} % of "
                   "the median {median} USD/{unit} of {peers} lines by other declarants",
                   "tờ khai {decl} dòng {line}: mã HS {hs} giá {uv} USD/{unit}, bằng {pct} % "
                   "trung vị {median} USD/{unit} của {peers} dòng do người khai khác khai"),
}


class Phrase(str):
    """An English sentence (the str itself) that can say itself in Vietnamese."""

    key: str
    values: dict

    def __new__(cls, key: str, /, **values):
        obj = super().__new__(cls, PHRASES[key][0].format(**values))
        obj.key, obj.values = key, values
        return obj

    def __reduce__(self):  # pickled (st.cache_data) and copied as what it was made from
        return _phrase, (self.key, self.values)

    def in_lang(self, lang: str) -> str:
        if lang not in LANGS or lang == "en":
            return str(self)
        values = {k: in_lang(v, lang) if isinstance(v, Phrase) else v
                  for k, v in self.values.items()}
        return PHRASES[self.key][LANGS.index(lang)].format(**values)


class Joined(Phrase):
    """Phrases joined by a separator, each said in the language asked for."""

    def __new__(cls, items, sep: str = ", "):
        obj = str.__new__(cls, sep.join(str(i) for i in items))
        obj.key, obj.values, obj.items, obj.sep = "", {}, list(items), sep
        return obj

    def __reduce__(self):
        return Joined, (self.items, self.sep)

    def in_lang(self, lang: str) -> str:
        return self.sep.join(in_lang(i, lang) for i in self.items)


def _phrase(key: str, values: dict) -> Phrase:
    return Phrase(key, **values)


def say(key: str, /, **values) -> Phrase:
    return Phrase(key, **values)


def in_lang(text, lang: str) -> str:
    """Any text in `lang`: a Phrase is translated, anything else is returned as is."""
    return text.in_lang(lang) if isinstance(text, Phrase) else str(text)


def points(value: float) -> str:
    """Points as the evidence writes them: +25, -15, +42.5."""
    return f"{value:+g}"
