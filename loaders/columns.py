"""Column-wise checks and the CSV contract's mapping, declared as data.

A batch of rows is checked one column at a time: each field's check (the
single-value functions of loaders/fields.py) runs once per distinct value of
the column, and its result is spread back over the rows. A row that fails any
check, or holds bytes that need a closer look, goes to the per-row mapper of
loaders/contract.py, which names the field and reason exactly as it always has:
the column path only decides which rows are good, never the wording of a reject.

Which column becomes which property is data (MAPPINGS: nodes, relationships,
foreign keys); only derived fields are code (`derive`: flight keys, epochs,
airport and HS properties, country names, address keys).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from graph.core import schema
from loaders import fields as F
from loaders.contract import flight_key

_BAD = object()  # a value that failed its check


@dataclass(frozen=True)
class Field:
    """A column read with `Row.get` (required) or `Row.opt` (empty stays None)."""
    name: str
    check: Callable = F.required
    optional: bool = False
    args: tuple = ()


def req(name, check=F.required, *args) -> Field:
    return Field(name, check, False, args)


def opt(name, check=F.text, *args) -> Field:
    return Field(name, check, True, args)


@dataclass(frozen=True)
class NodeMap:
    label: str
    key: str  # the column holding the key; no node where it is None
    props: dict = field(default_factory=dict)  # property -> column


@dataclass(frozen=True)
class RelMap:
    rtype: str
    a: tuple[str, str]  # (label, key column)
    b: tuple[str, str]
    props: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Need:
    label: str
    column: str
    field: str  # the CSV field a reject names


@dataclass(frozen=True)
class Mapping:
    fields: tuple[Field, ...]
    nodes: tuple[NodeMap, ...] = ()
    rels: tuple[RelMap, ...] = ()
    needs: tuple[Need, ...] = ()
    # Derived columns (code): takes the checked columns and a list of row
    # flags to set for rows that fail a check between fields; adds columns.
    derive: Callable[[dict, list], None] | None = None


def checked_column(values: list[str], f: Field) -> list:
    """The field's checked value per row, _BAD where the check fails; the
    check runs once per distinct value."""
    out = {}
    for v in set(values):
        if f.optional and not (v or "").strip():
            out[v] = None
            continue
        try:
            out[v] = f.check(v or "", *f.args)
        except ValueError:
            out[v] = _BAD
    return [out[v] for v in values]


def _per_distinct(values: list, fn: Callable) -> list:
    memo = {v: fn(v) for v in set(values)}
    return [memo[v] for v in values]


def check_batch(mapping: Mapping, header: list[str], rows: list[list[str]]):
    """Checked and derived columns for `rows`, and the index of each row that
    fails some check (to be told why by the per-row mapper)."""
    n = len(rows)
    where = {h: i for i, h in enumerate(header)}
    cols: dict[str, list] = {}
    bad = [False] * n
    for f in mapping.fields:
        i = where.get(f.name)
        raw = [r[i] for r in rows] if i is not None else [""] * n
        col = checked_column(raw, f)
        for j, v in enumerate(col):
            if v is _BAD:
                bad[j] = True
        cols[f.name] = col
        cols["raw:" + f.name] = raw
    if mapping.derive is not None:
        mapping.derive(cols, bad)
    return cols, [j for j in range(n) if bad[j]]


# --- derived fields (code) ---------------------------------------------------------
def _country_names(cols: dict, src: str, dst: str) -> None:
    cols[dst] = _per_distinct(cols[src],
                              lambda c: F.country_name(c) if isinstance(c, str) else None)


def _contacts(cols: dict, bad: list) -> None:
    cols["address_key"] = _per_distinct(cols["address"],
                                        lambda a: (F.address_key(a) or None) if a else None)


def _persons(cols, bad):
    _country_names(cols, "nationality", "nationality_name")
    _contacts(cols, bad)


def _companies(cols, bad):
    cols["company_id"] = _per_distinct(cols["company_id"], _upper)
    _country_names(cols, "country", "country_name")
    _contacts(cols, bad)


def _upper(v):
    return v.upper() if isinstance(v, str) else v


def _airport_cols(cols: dict, side: str) -> None:
    aps = cols[side]
    for p in ("iata", "name", "city", "country", "tz"):
        cols[f"{side}.{p}"] = [a[p] if isinstance(a, dict) else None for a in aps]
    for p in ("lat", "lon"):
        cols[f"{side}.{p}"] = [float(a[p]) if isinstance(a, dict) else None for a in aps]
    known = F._countries()
    cols[f"{side}.cc"] = [c if c in known else None for c in cols[f"{side}.country"]]
    _country_names(cols, f"{side}.cc", f"{side}.cc_name")


def _flights(cols, bad):
    n = len(bad)
    fno = cols["flight_no"]
    cols["fno"] = [f[0] if isinstance(f, tuple) else None for f in fno]
    cols["carrier"] = [f[1] if isinstance(f, tuple) else None for f in fno]
    dep_ap, arr_ap = cols["departure_airport"], cols["arrival_airport"]
    dep, arr = cols["departure_time"], cols["arrival_time"]
    for j in range(n):
        if bad[j]:
            continue
        if dep_ap[j]["iata"] == arr_ap[j]["iata"] or arr[j] <= dep[j]:
            bad[j] = True  # the per-row mapper says which
    _airport_cols(cols, "departure_airport")
    _airport_cols(cols, "arrival_airport")
    ok = [not b for b in bad]
    ddate = [d.date().isoformat() if o else None for d, o in zip(dep, ok, strict=True)]
    cols["departure_date"] = ddate
    cols["flight_key"] = [flight_key(f, d) if d else None
                          for f, d in zip(cols["fno"], ddate, strict=True)]
    for name, c in (("departure", dep), ("arrival", arr)):
        cols[f"{name}_iso"] = [d.isoformat() if o else None for d, o in zip(c, ok, strict=True)]
        cols[f"{name}_utc"] = [F.utc(d) if o else None for d, o in zip(c, ok, strict=True)]
        cols[f"{name}_epoch"] = [int(d.timestamp()) if o else None
                                 for d, o in zip(c, ok, strict=True)]


def _travel(cols, bad):
    cols["fno"] = [f[0] if isinstance(f, tuple) else None for f in cols["flight_no"]]
    cols["flight_key"] = [flight_key(f, d) if f and isinstance(d, str) else None
                          for f, d in zip(cols["fno"], cols["departure_date"], strict=True)]


def _officers(cols, bad):
    cols["company_id"] = _per_distinct(cols["company_id"], _upper)


def _port_country(cols: dict, src: str) -> None:
    cols[f"{src}.cc"] = [c[:2] if isinstance(c, str) else None for c in cols[src]]
    _country_names(cols, f"{src}.cc", f"{src}.cc_name")


def _ports(cols, bad):
    _port_country(cols, "locode")


def _declarations(cols, bad):
    cols["customs_office"] = _per_distinct(
        cols["customs_office"], lambda v: (v or "").upper() or None)
    cols["company_id"] = _per_distinct(cols["company_id"], _upper)
    cols["consignee_id"] = _per_distinct(cols["consignee_id"], _upper)
    _country_names(cols, "origin_country", "origin_name")
    _country_names(cols, "destination_country", "destination_name")
    _port_country(cols, "port_of_loading")
    _port_country(cols, "port_of_discharge")


def _declaration_items(cols, bad):
    hs = cols["hs_code"]
    for p in ("hs_code", "description", "hs6", "chapter", "section"):
        cols[f"hs.{p}"] = [h[p] if isinstance(h, dict) else None for h in hs]
    cols["unit"] = _per_distinct(cols["unit"], lambda v: (v or "").upper() or None)
    cols["unit_value_usd"] = [round(v / q, 6) if isinstance(q, float) and q
                              and isinstance(v, float) else None
                              for q, v in zip(cols["quantity"], cols["value_usd"], strict=True)]


def _containers(cols, bad):
    cols["owner_code"] = [c[:4] if isinstance(c, str) else None for c in cols["container_no"]]


def _offices(cols, bad):
    cols["office_code"] = _per_distinct(cols["office_code"], _upper)


# --- the contract's mappings (data) ------------------------------------------------
def _country(col: str, name_col: str) -> NodeMap:
    return NodeMap("Country", col, {"name": name_col})


_CONTACT_FIELDS = (opt("phone", F.phone), opt("email", F.email), opt("address"))


def _contact_nodes() -> tuple:
    return (NodeMap("Phone", "phone"), NodeMap("Email", "email"),
            NodeMap("Address", "address_key", {"text": "address"}))


def _contact_rels(label: str, key: str) -> tuple:
    return (RelMap("HAS_PHONE", (label, key), ("Phone", "phone")),
            RelMap("HAS_EMAIL", (label, key), ("Email", "email")),
            RelMap("HAS_ADDRESS", (label, key), ("Address", "address_key")))


def _airport(side: str) -> NodeMap:
    return NodeMap("Airport", f"{side}.iata", {p: f"{side}.{p}" for p in
                                               ("name", "city", "country", "lat", "lon", "tz")})


def _port(col: str, **props) -> NodeMap:
    return NodeMap("Port", col, {"country": f"{col}.cc", **props})


MAPPINGS: dict[str, Mapping] = {
    "persons.csv": Mapping(
        (req("person_id"), req("full_name"), opt("date_of_birth", F.birth_date),
         opt("nationality", F.country), opt("passport_no"), *_CONTACT_FIELDS),
        nodes=(NodeMap("Person", "person_id", {
            "full_name": "full_name", "date_of_birth": "date_of_birth",
            "nationality": "nationality", "passport_no": "passport_no"}),
            _country("nationality", "nationality_name"), *_contact_nodes()),
        rels=(RelMap("CITIZEN_OF", ("Person", "person_id"), ("Country", "nationality")),
              *_contact_rels("Person", "person_id")),
        derive=_persons),
    "companies.csv": Mapping(
        (req("company_id"), req("name"), opt("country", F.country), *_CONTACT_FIELDS),
        nodes=(NodeMap("Company", "company_id", {"name": "name", "country": "country"}),
               _country("country", "country_name"), *_contact_nodes()),
        rels=(RelMap("REGISTERED_IN", ("Company", "company_id"), ("Country", "country")),
              *_contact_rels("Company", "company_id")),
        derive=_companies),
    "officers.csv": Mapping(
        (req("person_id"), req("company_id"),
         req("role", F.one_of("director", "owner", "representative", "shareholder")),
         opt("since", F.past_date)),
        rels=(RelMap("OFFICER_OF", ("Person", "person_id"), ("Company", "company_id"),
                     {"role": "role", "since": "since"}),),
        needs=(Need("Person", "person_id", "person_id"),
               Need("Company", "company_id", "company_id")),
        derive=_officers),
    "flights.csv": Mapping(
        (req("flight_no", F.flight_no), req("departure_airport", F.airport),
         req("arrival_airport", F.airport), req("departure_time", F.iso_datetime),
         req("arrival_time", F.iso_datetime)),
        nodes=(NodeMap("Flight", "flight_key", {
            "flight_no": "fno", "carrier": "carrier", "departure_date": "departure_date",
            "origin": "departure_airport.iata", "destination": "arrival_airport.iata",
            "departure_time": "departure_iso", "arrival_time": "arrival_iso",
            "departure_utc": "departure_utc", "arrival_utc": "arrival_utc",
            "departure_epoch": "departure_epoch", "arrival_epoch": "arrival_epoch"}),
            _airport("departure_airport"), _country("departure_airport.cc",
                                                    "departure_airport.cc_name"),
            _airport("arrival_airport"), _country("arrival_airport.cc",
                                                  "arrival_airport.cc_name")),
        rels=(RelMap("DEPARTS_FROM", ("Flight", "flight_key"),
                     ("Airport", "departure_airport.iata")),
              RelMap("IN_COUNTRY", ("Airport", "departure_airport.iata"),
                     ("Country", "departure_airport.cc")),
              RelMap("ARRIVES_AT", ("Flight", "flight_key"), ("Airport", "arrival_airport.iata")),
              RelMap("IN_COUNTRY", ("Airport", "arrival_airport.iata"),
                     ("Country", "arrival_airport.cc"))),
        derive=_flights),
    "travel.csv": Mapping(
        (req("person_id"), req("flight_no", F.flight_no), req("departure_date", F.iso_date),
         opt("pnr", F.pnr), req("role", F.one_of("passenger", "crew")), opt("seat"),
         opt("checked_bags", F.integer)),
        nodes=(NodeMap("Booking", "pnr"),),
        rels=(RelMap("TRAVELLED", ("Person", "person_id"), ("Flight", "flight_key"),
                     {"role": "role", "pnr": "pnr", "seat": "seat",
                      "checked_bags": "checked_bags"}),
              RelMap("BOOKED", ("Person", "person_id"), ("Booking", "pnr")),
              RelMap("FOR_FLIGHT", ("Booking", "pnr"), ("Flight", "flight_key"))),
        needs=(Need("Person", "person_id", "person_id"),
               Need("Flight", "flight_key", "flight_no")),
        derive=_travel),
    "containers.csv": Mapping(
        (req("container_no", F.container_no), opt("size_type"), opt("operator")),
        nodes=(NodeMap("Container", "container_no", {
            "owner_code": "owner_code", "size_type": "size_type", "operator": "operator"}),),
        derive=_containers),
    "customs_offices.csv": Mapping(
        (req("office_code"), req("name"), opt("province")),
        nodes=(NodeMap("CustomsOffice", "office_code", {"name": "name", "province": "province"}),),
        derive=_offices),
    "ports.csv": Mapping(
        (req("locode", F.locode), req("name")),
        nodes=(_port("locode", name="name"), _country("locode.cc", "locode.cc_name")),
        rels=(RelMap("IN_COUNTRY", ("Port", "locode"), ("Country", "locode.cc")),),
        derive=_ports),
    "declarations.csv": Mapping(
        (req("declaration_no"), opt("customs_office"), opt("origin_country", F.country),
         opt("destination_country", F.country), opt("port_of_loading", F.locode),
         opt("port_of_discharge", F.locode), req("type", F.one_of("import", "export", "transit")),
         req("registered_date", F.past_date), req("company_id"), opt("consignee_id")),
        nodes=(NodeMap("Declaration", "declaration_no", {
            "type": "type", "registered_date": "registered_date",
            "customs_office": "customs_office", "origin_country": "origin_country",
            "destination_country": "destination_country",
            "port_of_loading": "port_of_loading", "port_of_discharge": "port_of_discharge"}),
            NodeMap("CustomsOffice", "customs_office"),
            _country("origin_country", "origin_name"),
            _country("destination_country", "destination_name"),
            _port("port_of_loading"), _country("port_of_loading.cc", "port_of_loading.cc_name"),
            _port("port_of_discharge"),
            _country("port_of_discharge.cc", "port_of_discharge.cc_name")),
        rels=(RelMap("DECLARED", ("Company", "company_id"), ("Declaration", "declaration_no")),
              RelMap("CONSIGNED_TO", ("Declaration", "declaration_no"),
                     ("Company", "consignee_id")),
              RelMap("FILED_AT", ("Declaration", "declaration_no"),
                     ("CustomsOffice", "customs_office")),
              RelMap("ORIGINATES_IN", ("Declaration", "declaration_no"),
                     ("Country", "origin_country")),
              RelMap("DESTINED_FOR", ("Declaration", "declaration_no"),
                     ("Country", "destination_country")),
              RelMap("LOADED_AT", ("Declaration", "declaration_no"), ("Port", "port_of_loading")),
              RelMap("IN_COUNTRY", ("Port", "port_of_loading"), ("Country", "port_of_loading.cc")),
              RelMap("DISCHARGED_AT", ("Declaration", "declaration_no"),
                     ("Port", "port_of_discharge")),
              RelMap("IN_COUNTRY", ("Port", "port_of_discharge"),
                     ("Country", "port_of_discharge.cc"))),
        needs=(Need("Company", "company_id", "company_id"),
               Need("Company", "consignee_id", "consignee_id")),
        derive=_declarations),
    "declaration_items.csv": Mapping(
        (req("declaration_no"), req("hs_code", F.hs_code), opt("quantity", F.number),
         opt("value_usd", F.number), req("line_no", F.integer, 1), opt("description"),
         opt("unit")),
        nodes=(NodeMap("Commodity", "hs.hs_code", {
            p: f"hs.{p}" for p in ("description", "hs6", "chapter", "section")}),),
        rels=(RelMap("DECLARES", ("Declaration", "declaration_no"), ("Commodity", "hs.hs_code"),
                     {"line_no": "line_no", "description": "description", "quantity": "quantity",
                      "unit": "unit", "value_usd": "value_usd",
                      "unit_value_usd": "unit_value_usd"}),),
        needs=(Need("Declaration", "declaration_no", "declaration_no"),),
        derive=_declaration_items),
    "declaration_containers.csv": Mapping(
        (req("declaration_no"), req("container_no", F.container_no)),
        nodes=(NodeMap("Container", "container_no", {"owner_code": "owner_code"}),),
        rels=(RelMap("COVERS", ("Declaration", "declaration_no"),
                     ("Container", "container_no")),),
        needs=(Need("Declaration", "declaration_no", "declaration_no"),),
        derive=_containers),
    # seizures.csv and seizure_links.csv (a few hundred rows, brands split into
    # nodes, references to any label) stay with the per-row mapper.
}


def ends(rel: RelMap) -> tuple[str, str, str]:
    return rel.rtype, rel.a[0], rel.b[0]


def check_mappings() -> None:
    """Every label, type and property named here is in the schema (run by tests)."""
    for m in MAPPINGS.values():
        for nm in m.nodes:
            lb = schema.label(nm.label)
            assert set(nm.props) <= set(lb.props), (nm.label, set(nm.props) - set(lb.props))
        for rm in m.rels:
            rt, _, _ = schema.joining(rm.rtype, rm.a[0], rm.b[0])
            assert set(rm.props) <= set(rt.props), (rm.rtype, set(rm.props) - set(rt.props))
