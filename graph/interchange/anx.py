"""An investigation's chart as an i2 Analyst's Notebook chart (ANX, the chart
exchange XML): File > Open in Analyst's Notebook (8 or later) reads it.

    <Chart>
      <AttributeClassCollection><AttributeClass Name Type/>…
      <EntityTypeCollection><EntityType Name IconFile/>…   one per label, an i2 icon each
      <LinkTypeCollection><LinkType Name Colour/>…          one per relationship type
      <ChartItemCollection>
        <ChartItem Label Description DateSet DateTime XPosition>   an entity
          <End Y><Entity EntityId Identity><Icon><IconStyle Type/></Icon></Entity></End>
          <AttributeCollection><Attribute AttributeClass Value/>…
          <CardCollection><Card Summary Text SourceReference/>…    notes and sources
        <ChartItem Label>                                           a link
          <Link End1Id End2Id><LinkStyle Type ArrowStyle/></Link>

Positions are the chart's own; a group is one entity ("112 Booking") linked to
its anchor. Values go into the tree as text and attributes (ElementTree escapes
them); characters XML cannot hold are dropped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from graph.core import schema
from graph.records.investigations import Investigation, edge_key

# The i2 standard icon that fits each of the app's glyphs (ui/icons.py).
I2_ICONS = {"person": "Person", "plane": "Aircraft", "tower": "Airport", "flag": "Flag",
            "ticket": "Ticket", "building": "Organisation", "container": "Container",
            "document": "Document", "box": "Goods", "shield": "Police", "phone": "Phone",
            "mail": "Email", "home": "House", "barcode": "Barcode", "link": "Link"}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _x(value) -> str:
    return _NOT_XML.sub("", "" if value is None else str(value))


def _colour(hex_colour: str) -> str:
    """i2 colours are BGR integers."""
    h = (hex_colour or "#000000").lstrip("#")
    r, g, b = int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
    return str(b << 16 | g << 8 | r)


def _date(node) -> str | None:
    lb = schema.label(node.label)
    value = str(node.properties.get(lb.dated) or "") if lb.dated else ""
    return value[:10] if _DAY.match(value) else None


def _card(parent, summary: str, text: str, source: str = "") -> None:
    coll = parent.find("CardCollection")
    if coll is None:
        coll = ET.SubElement(parent, "CardCollection")
    ET.SubElement(coll, "Card", {"Summary": _x(summary), "Text": _x(text),
                                 "SourceReference": _x(source)})


def chart_tree(inv: Investigation) -> ET.Element:
    c = inv.chart
    sub = c.sub
    grouped = {m for g in c.groups for m in g.members}
    nodes = [n for n in sorted(sub.nodes.values(), key=lambda n: n.id) if n.id not in grouped]
    root = ET.Element("Chart", {"Rigorous": "true", "IdReferenceLinking": "true"})
    summary = ET.SubElement(root, "Summary")
    fields = ET.SubElement(summary, "FieldCollection")
    ET.SubElement(fields, "Field", {"Type": "SummaryFieldTitle", "Field": _x(inv.name)})
    ET.SubElement(fields, "Field", {"Type": "SummaryFieldAuthor", "Field": _x(inv.owner)})
    ET.SubElement(fields, "Field", {"Type": "SummaryFieldComments",
                                    "Field": _x(f"customs-graph investigation {inv.id}, "
                                                f"version {inv.version}, {inv.status}")})
    props = sorted({k for n in nodes for k in n.properties
                    if k not in (schema.SEARCH, schema.REF, schema.SOURCE)})
    classes = ET.SubElement(root, "AttributeClassCollection")
    for p in props:
        ET.SubElement(classes, "AttributeClass", {"Name": _x(p), "Type": "AttText",
                                                  "ShowValue": "true"})
    labels = sorted({n.label for n in nodes} | {g.label for g in c.groups})
    types = ET.SubElement(root, "EntityTypeCollection")
    for name in labels:
        lb = schema.label(name)
        ET.SubElement(types, "EntityType", {"Name": name, "IconFile": I2_ICONS.get(lb.icon, "")
                                            or "Unknown", "Colour": _colour(lb.color)})
    rels = sorted({e.type for e in sub.edges.values()})
    ltypes = ET.SubElement(root, "LinkTypeCollection")
    for name in [*rels, *(["GROUPS"] if c.groups else [])]:
        ET.SubElement(ltypes, "LinkType", {"Name": name, "Colour": "8421504"})
    items = ET.SubElement(root, "ChartItemCollection")
    ids: dict[str, str] = {}
    notes: dict[str, list] = {}
    for n in inv.notes:
        notes.setdefault(n.target, []).append(n)

    def entity(ref: str, label: str, caption: str, desc: str, date: str | None, attrs: dict,
               source: str = "") -> ET.Element:
        ids[ref] = f"e{len(ids) + 1}"
        x, y = c.positions.get(ref, (0.0, 0.0))
        item = ET.SubElement(items, "ChartItem", {
            "Label": _x(caption), "Description": _x(desc), "XPosition": str(round(x)),
            "DateSet": "true" if date else "false", "TimeSet": "false",
            **({"DateTime": f"{date}T00:00:00.000"} if date else {})})
        end = ET.SubElement(item, "End", {"Y": str(round(y))})
        ent = ET.SubElement(end, "Entity", {"EntityId": ids[ref], "Identity": _x(ref),
                                            "LabelIsIdentity": "false"})
        ET.SubElement(ET.SubElement(ent, "Icon"), "IconStyle", {"Type": label})
        if attrs:
            coll = ET.SubElement(item, "AttributeCollection")
            for k, v in sorted(attrs.items()):
                ET.SubElement(coll, "Attribute", {"AttributeClass": _x(k), "Value": _x(v)})
        if source:
            _card(item, "Source", source, source)
        for note in notes.get(ref, ()):
            _card(item, f"Note {note.id} by {note.author}", note.text)
        return item

    for n in nodes:
        lb = schema.label(n.label)
        attrs = {k: v for k, v in n.properties.items()
                 if k not in (schema.SEARCH, schema.REF, schema.SOURCE) and v not in (None, "")}
        entity(n.id, n.label, str(n.properties.get(lb.caption) or n.key), n.id, _date(n), attrs,
               str(n.properties.get(schema.SOURCE) or ""))
    for g in c.groups:
        entity(g.id, g.label, f"{len(g.members)} {g.label}", f"group of {g.anchor}", None,
               {"members": ", ".join(g.members)})

    def link(a: str, b: str, kind: str, attrs: dict, key: str = "") -> None:
        item = ET.SubElement(items, "ChartItem", {"Label": _x(kind)})
        ln = ET.SubElement(item, "Link", {"End1Id": ids[a], "End2Id": ids[b]})
        ET.SubElement(ln, "LinkStyle", {"Type": kind, "ArrowStyle": "ArrowOnHead",
                                        "Strength": "1"})
        if attrs:
            coll = ET.SubElement(item, "AttributeCollection")
            for k, v in sorted(attrs.items()):
                ET.SubElement(coll, "Attribute", {"AttributeClass": _x(k), "Value": _x(v)})
        for note in notes.get(key, ()):
            _card(item, f"Note {note.id} by {note.author}", note.text)

    extra = sorted({k for e in sub.edges.values() for k in e.properties} - set(props)
                   - {schema.SOURCE})
    for p in extra:
        ET.SubElement(classes, "AttributeClass", {"Name": _x(p), "Type": "AttText",
                                                  "ShowValue": "true"})
    for e in sorted(sub.edges.values(), key=lambda e: (e.source, e.type, e.target, str(e.id))):
        if e.source in ids and e.target in ids:
            link(e.source, e.target, e.type,
                 {k: v for k, v in e.properties.items() if k != schema.SOURCE
                  and v not in (None, "")}, edge_key(e))
    for g in c.groups:
        link(g.anchor, g.id, "GROUPS", {})
    if notes.get(""):
        for note in notes[""]:
            ET.SubElement(fields, "Field", {"Type": "SummaryFieldComments",
                                            "Field": _x(f"Note {note.id}: {note.text}")})
    return root


def chart_bytes(inv: Investigation) -> bytes:
    root = chart_tree(inv)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
