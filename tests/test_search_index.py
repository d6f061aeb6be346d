"""The embedded store's search index on its own: rows written in bulk reach the
full-text index and the per-label counts exactly once, changed texts replace the
old ones, and a file written by the previous version (an insert trigger per
row) is rebuilt rather than indexed twice."""

from __future__ import annotations

import sqlite3

from graph.core.search import Term
from graph.core.search_index import VERSION, SearchIndex


def _check(path) -> None:
    conn = sqlite3.connect(path)
    # FTS5 compares its index with the docs table, token for token.
    conn.execute("INSERT INTO fts(fts, rank) VALUES ('integrity-check', 1)")
    n = conn.execute("SELECT count(*) FROM docs").fetchone()[0]
    assert conn.execute("SELECT sum(n) FROM label_counts").fetchone()[0] == n
    conn.close()


def _find(index, word, labels=("Person", "Phone")):
    return index.find([[Term(word, "exact")]], list(labels), 100)[0]


def test_bulk_rows_are_indexed_once_and_changes_replace(tmp_path):
    path = tmp_path / "x.search"
    index = SearchIndex(path)
    index.put("Person", [(f"Person:P{i}", f"p{i} nguyen van an") for i in range(2000)])
    index.put("Phone", [("Phone:+84912", "84912"), ("Phone:+84913", None)])
    _check(path)
    assert index.counts() == {"Person": 2000, "Phone": 2}
    assert len(_find(index, "nguyen")) == 100
    # Again: one text changed, one new row, the rest the same.
    index.put("Person", [("Person:P1", "p1 tran thi bich"), ("Person:P2", "p2 nguyen van an"),
                         ("Person:P9999", "p9999 le van c")])
    _check(path)
    assert index.counts() == {"Person": 2001, "Phone": 2}
    assert _find(index, "tran") == [("Person:P1", "p1 tran thi bich")]
    assert ("Person:P1", "p1 nguyen van an") not in _find(index, "p1")
    assert _find(index, "p9999") == [("Person:P9999", "p9999 le van c")]
    index.replace_all([("Person", [("Person:P7", "p7 a b")]), ("Phone", [("Phone:+1", "1")])])
    _check(path)
    assert index.counts() == {"Person": 1, "Phone": 1}
    index.close()


def test_a_file_of_the_previous_version_is_rebuilt_not_indexed_twice(tmp_path):
    path = tmp_path / "old.search"
    index = SearchIndex(path)
    index.put("Person", [("Person:P1", "p1 an")])
    conn = sqlite3.connect(path)
    # The previous version's row trigger and version mark.
    conn.execute("CREATE TRIGGER docs_ai AFTER INSERT ON docs BEGIN INSERT INTO fts(rowid, "
                 "text) VALUES (new.id, new.text); END")
    conn.execute("UPDATE meta SET v = '1' WHERE k = 'version'")
    conn.commit()
    conn.close()
    index.close()
    index = SearchIndex(path)
    assert VERSION != "1" and index.dirty()  # the store rebuilds it before writing
    index.put("Person", [("Person:P2", "p2 binh")])
    _check(path)  # no row indexed twice: the old trigger is gone
    index.close()
