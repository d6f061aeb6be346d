"""Trusted writes every store offers: deleting a relationship (to undo a decision)."""

import pytest

from graph.core.errors import SchemaError
from graph.core.store import node_row


@pytest.fixture(params=["ladybug", "neo4j"])
def empty_store(request):
    return request.getfixturevalue("empty_lbug" if request.param == "ladybug" else "empty_neo4j")


def test_delete_relationship_removes_only_that_link(empty_store):
    s = empty_store
    s.upsert_nodes("Person", [node_row("Person", k, {"full_name": k}, "t:1") for k in "ABC"])
    rows = [{"from": "A", "to": "B", "score": 0.9, "source": "t:2"},
            {"from": "A", "to": "C", "score": 0.8, "source": "t:3"}]
    assert s.upsert_relationships("SAME_AS", "Person", "Person", rows).created == 2
    s.delete_relationship("SAME_AS", "Person", "A", "Person", "B")
    left = s.neighbours("Person:A", rel_types=["SAME_AS"])
    assert set(left.nodes) == {"Person:A", "Person:C"}
    assert s.counts()["nodes"]["Person"] == 3  # the records themselves stay
    with pytest.raises(SchemaError):
        s.delete_relationship("SAME_AS", "Person", "A", "Company", "B")
