from graph.core.text import compact, fold, search_text, search_tokens


def test_fold_is_diacritics_blind():
    assert fold("Công ty TNHH TM DV XNK Du lịch Việt Trấn") == \
        "cong ty tnhh tm dv xnk du lich viet tran"
    assert fold("Nguyễn Văn An") == fold("NGUYEN VAN AN")
    assert fold("Đặng  Thị   Đào") == "dang thi dao"
    assert fold("Hermès") == "hermes"


def test_compact_and_search_text():
    assert compact("B 123-456") == "b123456"
    text = search_text(["WHSU5018375", "Wan Hai Lines"])
    assert "whsu5018375" in text and "wan hai lines" in text and "wanhailines" in text
    assert search_tokens("  Việt   TRẤN ") == ["viet", "tran"]
