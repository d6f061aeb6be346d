"""The schema is the single source of labels, keys and relationship types."""

import pytest

from graph.core import schema
from graph.core.errors import SchemaError
from graph.core.ladybug_store import node_table_ddl, rel_table_ddl

REQUIRED = {"Person", "Flight", "Airport", "Country", "Company", "Container", "Declaration",
            "Commodity", "CustomsOffice", "Port", "Seizure", "Brand", "Phone", "Email", "Address"}


def test_covers_the_required_labels():
    assert REQUIRED <= set(schema.label_names())


def test_every_label_has_its_key_among_its_properties():
    for lb in schema.LABELS:
        assert lb.key in lb.props
        assert lb.caption in lb.props
        assert set(lb.search) <= set(lb.props)
        assert lb.dated is None or lb.dated in lb.props


def test_relationship_ends_are_known_labels_and_keys_are_properties():
    for rt in schema.REL_TYPES:
        assert rt.ends
        for a, b in rt.ends:
            schema.label(a), schema.label(b)
        assert set(rt.key) <= set(rt.props)


def test_names_are_safe_identifiers():
    # Names reach Cypher as identifiers; only letters, digits and underscores.
    for name in schema.label_names() + schema.rel_names():
        assert name.replace("_", "").isalnum()
    for lb in schema.LABELS:
        for p in lb.all_props():
            assert p.replace("_", "").isalnum() and not p.startswith("_")


@pytest.mark.parametrize("bad", ["Spaceship", "person", "Person`) DETACH DELETE n //", "", None])
def test_unknown_labels_are_refused(bad):
    with pytest.raises(SchemaError):
        schema.label(bad)


def test_unknown_relationship_types_and_properties_are_refused():
    with pytest.raises(SchemaError):
        schema.rel_type("KNOWS")
    with pytest.raises(SchemaError):
        schema.check_property("Person", "password")
    assert schema.check_property("Person", "full_name") == "full_name"


@pytest.mark.parametrize("ref,expected", [
    ("Container:WHSU5018375", ("Container", "WHSU5018375")),
    ("Flight:VN18@2017-03-19", ("Flight", "VN18@2017-03-19")),
    ("Address:12 a:b", ("Address", "12 a:b")),
])
def test_parse_ref(ref, expected):
    lb, key = schema.parse_ref(ref)
    assert (lb.name, key) == expected


@pytest.mark.parametrize("bad", ["Container", "Container:", "Spaceship:X1", ":x", 42])
def test_parse_ref_refuses_bad_refs(bad):
    with pytest.raises(SchemaError):
        schema.parse_ref(bad)


def test_ddl_is_derived_from_the_schema():
    ddl = node_table_ddl(schema.label("Container"))
    assert ddl.startswith(
        "CREATE NODE TABLE IF NOT EXISTS Container(container_no STRING PRIMARY KEY")
    assert "source STRING" in ddl and "search_text STRING" in ddl
    rel = rel_table_ddl(schema.rel_type("HAS_PHONE"))
    assert "FROM Person TO Phone" in rel and "FROM Company TO Phone" in rel


def test_every_label_and_relationship_type_has_its_names_in_both_languages():
    """The app reads label and relationship names from the schema, not a catalogue."""
    for thing in (*schema.LABELS, *schema.REL_TYPES):
        en, vi = thing.names
        assert en.strip() and vi.strip(), thing.name
        assert schema.display_name(thing.name, "en") == en
        assert schema.display_name(thing.name, "vi") == vi
    assert schema.display_name("CustomsOffice", "vi") == "Chi cục hải quan"
    assert schema.display_name("not_in_schema", "vi") == "not_in_schema"  # a query's column
    assert schema.display_name("Person", "xx") == "Person"  # an unknown language: English
