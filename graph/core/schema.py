"""The graph schema, declared once as data.

Every label has one key property; every relationship type names the label
pairs it may join. Loaders, both stores, the CLI, the app and the exports read
this module; nothing else restates labels, keys or types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

from graph.core.errors import SchemaError

# Property kinds and what they become in each store.
STR, INT, FLOAT = "str", "int", "float"

# Properties every node and relationship carries.
SOURCE = "source"  # "file.csv:line" of the row that created it
SEARCH = "search_text"  # diacritics-blind text the search matches against
REF = "ref"  # "Label:key", handy for generic ordering and display


@dataclass(frozen=True)
class Label:
    name: str
    key: str
    props: dict[str, str]  # property -> kind, key included
    caption: str  # property shown on the node
    search: tuple[str, ...] = ()  # properties folded into search_text
    color: str = "#999999"
    shape: str = "dot"
    traverse: bool = True  # False: paths avoid it as a stepping stone (hubs)
    dated: str | None = None  # property holding the node's date, for timelines
    personal: tuple[str, ...] = ()  # properties masked for viewers
    icon: str = "person"  # the app's glyph for it (ui/icons.py)
    # properties shown under the caption, so a node says what it is at a glance
    subtitle: tuple[str, ...] = ()
    names: tuple[str, str] = ("", "")  # as analysts read it: (English, Vietnamese)

    def all_props(self) -> dict[str, str]:
        return {**self.props, SOURCE: STR, SEARCH: STR, REF: STR}


@dataclass(frozen=True)
class RelType:
    name: str
    ends: tuple[tuple[str, str], ...]  # (from label, to label) pairs
    props: dict[str, str] = field(default_factory=dict)
    key: tuple[str, ...] = ()  # properties that tell parallel edges apart
    # Properties a whole-store query filters on (Neo4j range index; the embedded
    # store scans a column, which is fast enough there).
    indexed: tuple[str, ...] = ()
    names: tuple[str, str] = ("", "")  # as analysts read it: (English, Vietnamese)

    def all_props(self) -> dict[str, str]:
        return {**self.props, SOURCE: STR}


def _label(name, key, props, caption=None, **kw) -> Label:
    return Label(name, key, {key: STR, **props}, caption or key, **kw)


LABELS: tuple[Label, ...] = (
    _label(
        "Person", "person_id",
        {"full_name": STR, "date_of_birth": STR, "nationality": STR, "passport_no": STR},
        "full_name", search=("person_id", "full_name", "passport_no"),
        color="#4e79a7", shape="dot", personal=("date_of_birth", "passport_no"), icon="person",
        names=("Person", "Người"),
        subtitle=("nationality",),
    ),
    _label(
        "Flight", "flight_key",
        {"flight_no": STR, "carrier": STR, "departure_date": STR, "origin": STR,
         "destination": STR, "departure_time": STR, "arrival_time": STR,
         "departure_utc": STR, "arrival_utc": STR,
         # seconds since 1970: connection windows are plain subtraction in both dialects
         "departure_epoch": INT, "arrival_epoch": INT},
        "flight_key", search=("flight_key",), color="#f28e2b", shape="triangle",
        dated="departure_date", icon="plane",
        names=("Flight", "Chuyến bay"), subtitle=("origin", "destination"),
    ),
    _label(
        "Airport", "iata",
        {"name": STR, "city": STR, "country": STR, "lat": FLOAT, "lon": FLOAT, "tz": STR},
        "iata", search=("iata", "name", "city"), color="#edc948", shape="square", icon="tower",
        names=("Airport", "Sân bay"),
        subtitle=("city",),
    ),
    _label("Country", "code", {"name": STR}, "name", search=("code", "name"),
           color="#bab0ac", shape="diamond", traverse=False, icon="flag",
           names=("Country", "Quốc gia")),
    _label("Booking", "pnr", {}, "pnr", search=("pnr",), color="#ff9da7", shape="hexagon",
           icon="ticket", names=("Booking", "Đặt chỗ")),
    _label(
        "Company", "company_id", {"name": STR, "country": STR}, "name",
        search=("company_id", "name"), color="#e15759", shape="square", icon="building",
        names=("Company", "Công ty"),
        subtitle=("country",),
    ),
    _label(
        "Container", "container_no", {"owner_code": STR, "size_type": STR, "operator": STR},
        "container_no", search=("container_no", "operator"), color="#76b7b2", shape="box",
        icon="container", names=("Container", "Công-te-nơ"), subtitle=("size_type",),
    ),
    _label(
        "Declaration", "declaration_no",
        {"type": STR, "registered_date": STR, "customs_office": STR, "origin_country": STR,
         "destination_country": STR, "port_of_loading": STR, "port_of_discharge": STR},
        "declaration_no", search=("declaration_no",), color="#59a14f", shape="star",
        dated="registered_date", icon="document",
        names=("Declaration", "Tờ khai"), subtitle=("type", "registered_date"),
    ),
    _label(
        "Commodity", "hs_code", {"description": STR, "hs6": STR, "chapter": STR, "section": STR},
        "hs_code", search=("hs_code", "description"), color="#9c755f", shape="ellipse",
        traverse=False, icon="box", names=("Commodity", "Hàng hoá"),
    ),
    _label("CustomsOffice", "office_code", {"name": STR, "province": STR}, "name",
           search=("office_code", "name"), color="#8cd17d", shape="square", traverse=False,
           icon="shield", names=("Customs office", "Chi cục hải quan")),
    _label("Port", "locode", {"name": STR, "country": STR}, "locode",
           search=("locode", "name"), color="#499894", shape="square", icon="anchor",
           names=("Port", "Cảng"),
           subtitle=("name",)),
    _label(
        "Seizure", "seizure_id",
        {"date": STR, "location": STR, "unit": STR, "violation": STR, "goods": STR,
         "quantity": INT, "value_usd": FLOAT, "brands": STR, "description": STR},
        "seizure_id", search=("seizure_id", "goods", "location", "violation"),
        color="#b6992d", shape="star", dated="date", icon="alert",
        names=("Seizure", "Vụ bắt giữ"), subtitle=("date", "goods"),
    ),
    _label("Brand", "brand_key", {"name": STR}, "name", search=("name",),
           color="#d37295", shape="diamond", icon="tag", names=("Brand", "Nhãn hiệu")),
    _label("Phone", "number", {}, "number", search=("number",), color="#a0cbe8",
           shape="dot", personal=("number",), icon="phone", names=("Phone", "Điện thoại")),
    _label("Email", "email", {}, "email", search=("email",), color="#a0cbe8",
           shape="dot", personal=("email",), icon="mail", names=("Email", "Thư điện tử")),
    _label("Address", "address_key", {"text": STR}, "text", search=("text",),
           color="#a0cbe8", shape="dot", personal=("text",), icon="pin",
           names=("Address", "Địa chỉ")),
)

_PARTIES = (("Person",), ("Company",))
_SEIZABLE = ("Person", "Flight", "Company", "Container", "Declaration", "Airport", "Port",
             "Booking", "Phone", "Email", "Address", "CustomsOffice")

REL_TYPES: tuple[RelType, ...] = (
    RelType("TRAVELLED", (("Person", "Flight"),),
            {"role": STR, "pnr": STR, "seat": STR, "checked_bags": INT},
            indexed=("role",), names=("travelled on", "đã đi chuyến")),
    RelType("BOOKED", (("Person", "Booking"),),
            names=("booked", "đã đặt chỗ")),
    RelType("FOR_FLIGHT", (("Booking", "Flight"),),
            names=("for flight", "cho chuyến bay")),
    RelType("DEPARTS_FROM", (("Flight", "Airport"),),
            names=("departs from", "khởi hành từ")),
    RelType("ARRIVES_AT", (("Flight", "Airport"),),
            names=("arrives at", "đến")),
    RelType("IN_COUNTRY", (("Airport", "Country"), ("Port", "Country")),
            names=("in country", "thuộc quốc gia")),
    RelType("CITIZEN_OF", (("Person", "Country"),),
            names=("citizen of", "công dân của")),
    RelType("REGISTERED_IN", (("Company", "Country"),),
            names=("registered in", "đăng ký tại")),
    RelType("HAS_PHONE", (("Person", "Phone"), ("Company", "Phone")),
            names=("has phone", "có số điện thoại")),
    RelType("HAS_EMAIL", (("Person", "Email"), ("Company", "Email")),
            names=("has e-mail", "có thư điện tử")),
    RelType("HAS_ADDRESS", (("Person", "Address"), ("Company", "Address")),
            names=("has address", "có địa chỉ")),
    RelType("OFFICER_OF", (("Person", "Company"),), {"role": STR, "since": STR}, key=("role",),
            names=("officer of", "người quản lý của")),
    RelType("DECLARED", (("Company", "Declaration"),),
            names=("declared", "đã khai")),
    RelType("CONSIGNED_TO", (("Declaration", "Company"),),
            names=("consigned to", "gửi cho")),
    RelType("FILED_AT", (("Declaration", "CustomsOffice"),),
            names=("filed at", "nộp tại")),
    RelType("LOADED_AT", (("Declaration", "Port"),),
            names=("loaded at", "xếp hàng tại")),
    RelType("DISCHARGED_AT", (("Declaration", "Port"),),
            names=("discharged at", "dỡ hàng tại")),
    RelType("ORIGINATES_IN", (("Declaration", "Country"),),
            names=("originates in", "xuất xứ từ")),
    RelType("DESTINED_FOR", (("Declaration", "Country"),),
            names=("destined for", "điểm đến là")),
    RelType("DECLARES", (("Declaration", "Commodity"),),
            {"line_no": INT, "description": STR, "quantity": FLOAT, "unit": STR,
             "value_usd": FLOAT, "unit_value_usd": FLOAT}, key=("line_no",),
            names=("declares", "khai hàng")),
    RelType("COVERS", (("Declaration", "Container"),),
            names=("covers", "gồm công-te-nơ")),
    RelType("INVOLVES", tuple(("Seizure", x) for x in _SEIZABLE), {"role": STR}, key=("role",),
            names=("involves", "liên quan đến")),
    RelType("CONCERNS_BRAND", (("Seizure", "Brand"),),
            names=("concerns brand", "liên quan nhãn hiệu")),
    # Entity resolution: an accepted merge links records, never replaces them.
    RelType("SAME_AS", (("Person", "Person"), ("Company", "Company")),
            {"score": FLOAT, "decided_by": STR, "decided_at": STR},
            names=("same as", "trùng với")),
)


_LABELS = {lb.name: lb for lb in LABELS}
_RELS = {rt.name: rt for rt in REL_TYPES}

# Code that builds Cypher names labels, keys and types through these, never as text:
# L.Person.name, L.Person.key, R.TRAVELLED.name (a misspelt one fails on import).
L = SimpleNamespace(**_LABELS)
R = SimpleNamespace(**_RELS)


def label(name: str) -> Label:
    """The label called `name`, or SchemaError naming the known ones."""
    try:
        return _LABELS[name]
    except (KeyError, TypeError):
        raise SchemaError(f"unknown label {name!r}; known: {', '.join(_LABELS)}") from None


def rel_type(name: str) -> RelType:
    try:
        return _RELS[name]
    except (KeyError, TypeError):
        raise SchemaError(
            f"unknown relationship type {name!r}; known: {', '.join(_RELS)}"
        ) from None


def joining(rel: str, from_label: str, to_label: str) -> tuple[RelType, Label, Label]:
    """The relationship type and its two end labels, or SchemaError when the type
    does not join those labels (checked before the labels are looked up)."""
    rt = rel_type(rel)
    if (from_label, to_label) not in rt.ends:
        raise SchemaError(f"{rel} does not join {from_label} to {to_label}")
    return rt, label(from_label), label(to_label)


def label_names() -> list[str]:
    return list(_LABELS)


def rel_names() -> list[str]:
    return list(_RELS)


def check_labels(names) -> list[str]:
    """Validate a filter list of labels; None/empty means no filter."""
    return [label(n).name for n in names or ()]


def check_rel_types(names) -> list[str]:
    return [rel_type(n).name for n in names or ()]


def check_property(label_name: str, prop: str) -> str:
    lb = label(label_name)
    if prop not in lb.all_props():
        raise SchemaError(f"{label_name} has no property {prop!r}")
    return prop


def parse_ref(ref: str) -> tuple[Label, str]:
    """Split "Label:key" (the key may itself hold colons) and check the label."""
    if not isinstance(ref, str) or ":" not in ref:
        raise SchemaError(f"bad reference {ref!r}: expected Label:key, e.g. Container:WHSU5018375")
    name, key = ref.split(":", 1)
    if not key.strip():
        raise SchemaError(f"bad reference {ref!r}: the key after ':' is empty")
    return label(name.strip()), key.strip()


def make_ref(label_name: str, key: str) -> str:
    return f"{label_name}:{key}"


LANGS = ("en", "vi")


def display_name(name: str, lang: str = "en") -> str:
    """A label's or relationship type's name as analysts read it in `lang` (en or vi);
    the name itself when the schema has none (a query's own column, say)."""
    thing = _LABELS.get(name) or _RELS.get(name)
    if thing is None or not thing.names[0]:
        return name
    return thing.names[LANGS.index(lang) if lang in LANGS else 0]
