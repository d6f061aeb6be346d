"""The CSV input contract: each file's columns and how one row becomes graph.

A mapper reads one row through `Row`, which names the field in every error,
and returns the nodes and relationships it makes plus the entities that must
already exist (foreign keys). Files are listed in load order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from graph.core import schema
from graph.core.errors import DataError, SchemaError
from loaders import fields as F


@dataclass
class RowGraph:
    nodes: list[tuple[str, str, dict]] = field(default_factory=list)
    rels: list[tuple[str, str, str, str, str, dict]] = field(default_factory=list)
    needs: list[tuple[str, str, str]] = field(default_factory=list)  # label, key, field

    def node(self, label: str, key: str, **props) -> None:
        self.nodes.append((label, key, props))

    def rel(self, rtype: str, a: tuple[str, str], b: tuple[str, str], **props) -> None:
        self.rels.append((rtype, a[0], a[1], b[0], b[1], props))

    def need(self, label: str, key: str, field_name: str) -> tuple[str, str]:
        self.needs.append((label, key, field_name))
        return label, key


class Row:
    """One CSV row; every check raises DataError naming its field and value."""

    def __init__(self, raw: dict):
        self.raw = raw

    def get(self, name: str, check: Callable = F.required, *args):
        value = self.raw.get(name) or ""
        try:
            return check(value, *args)
        except ValueError as e:
            raise DataError(str(e), field=name, value=value) from None

    def opt(self, name: str, check: Callable = F.text, *args):
        """Empty stays None; anything else must pass the check."""
        if not (self.raw.get(name) or "").strip():
            return None
        return self.get(name, check, *args)


def _country(g: RowGraph, code: str | None) -> tuple[str, str] | None:
    if code is None:
        return None
    g.node("Country", code, name=F.country_name(code))
    return ("Country", code)


def _contacts(g: RowGraph, r: Row, owner: tuple[str, str]) -> None:
    if ph := r.opt("phone", F.phone):
        g.node("Phone", ph)
        g.rel("HAS_PHONE", owner, ("Phone", ph))
    if em := r.opt("email", F.email):
        g.node("Email", em)
        g.rel("HAS_EMAIL", owner, ("Email", em))
    if ad := r.opt("address"):
        key = F.address_key(ad)
        if key:
            g.node("Address", key, text=ad)
            g.rel("HAS_ADDRESS", owner, ("Address", key))


def persons(r: Row) -> RowGraph:
    g = RowGraph()
    pid = r.get("person_id")
    nat = r.opt("nationality", F.country)
    g.node("Person", pid, full_name=r.get("full_name"),
           date_of_birth=r.opt("date_of_birth", F.birth_date), nationality=nat,
           passport_no=r.opt("passport_no"))
    me = ("Person", pid)
    if c := _country(g, nat):
        g.rel("CITIZEN_OF", me, c)
    _contacts(g, r, me)
    return g


def _airport(g: RowGraph, a: dict) -> tuple[str, str]:
    g.node("Airport", a["iata"], name=a["name"], city=a["city"], country=a["country"],
           lat=float(a["lat"]), lon=float(a["lon"]), tz=a["tz"])
    if c := _country(g, a["country"] if a["country"] in F._countries() else None):
        g.rel("IN_COUNTRY", ("Airport", a["iata"]), c)
    return ("Airport", a["iata"])


def flight_key(flight_no: str, local_date: str) -> str:
    return f"{flight_no}@{local_date}"


def flights(r: Row) -> RowGraph:
    g = RowGraph()
    fno, carrier = r.get("flight_no", F.flight_no)
    dep_ap, arr_ap = r.get("departure_airport", F.airport), r.get("arrival_airport", F.airport)
    dep, arr = r.get("departure_time", F.iso_datetime), r.get("arrival_time", F.iso_datetime)
    if dep_ap["iata"] == arr_ap["iata"]:
        raise DataError("is the same as departure_airport", field="arrival_airport",
                        value=r.raw.get("arrival_airport"))
    if arr <= dep:
        raise DataError("is not after departure_time", field="arrival_time",
                        value=r.raw.get("arrival_time"))
    key = flight_key(fno, dep.date().isoformat())
    g.node("Flight", key, flight_no=fno, carrier=carrier, departure_date=dep.date().isoformat(),
           origin=dep_ap["iata"], destination=arr_ap["iata"],
           departure_time=dep.isoformat(), arrival_time=arr.isoformat(),
           departure_utc=F.utc(dep), arrival_utc=F.utc(arr),
           departure_epoch=int(dep.timestamp()), arrival_epoch=int(arr.timestamp()))
    g.rel("DEPARTS_FROM", ("Flight", key), _airport(g, dep_ap))
    g.rel("ARRIVES_AT", ("Flight", key), _airport(g, arr_ap))
    return g


def travel(r: Row) -> RowGraph:
    g = RowGraph()
    person = g.need("Person", r.get("person_id"), "person_id")
    fno, _ = r.get("flight_no", F.flight_no)
    flight = g.need("Flight", flight_key(fno, r.get("departure_date", F.iso_date)), "flight_no")
    pnr = r.opt("pnr", F.pnr)
    g.rel("TRAVELLED", person, flight, role=r.get("role", F.one_of("passenger", "crew")),
          pnr=pnr, seat=r.opt("seat"), checked_bags=r.opt("checked_bags", F.integer))
    if pnr:
        g.node("Booking", pnr)
        g.rel("BOOKED", person, ("Booking", pnr))
        g.rel("FOR_FLIGHT", ("Booking", pnr), flight)
    return g


def companies(r: Row) -> RowGraph:
    g = RowGraph()
    cid = r.get("company_id").upper()
    nat = r.opt("country", F.country)
    g.node("Company", cid, name=r.get("name"), country=nat)
    me = ("Company", cid)
    if c := _country(g, nat):
        g.rel("REGISTERED_IN", me, c)
    _contacts(g, r, me)
    return g


def officers(r: Row) -> RowGraph:
    g = RowGraph()
    person = g.need("Person", r.get("person_id"), "person_id")
    company = g.need("Company", r.get("company_id").upper(), "company_id")
    g.rel("OFFICER_OF", person, company,
          role=r.get("role", F.one_of("director", "owner", "representative", "shareholder")),
          since=r.opt("since", F.past_date))
    return g


def containers(r: Row) -> RowGraph:
    g = RowGraph()
    no = r.get("container_no", F.container_no)
    g.node("Container", no, owner_code=no[:4], size_type=r.opt("size_type"),
           operator=r.opt("operator"))
    return g


def customs_offices(r: Row) -> RowGraph:
    g = RowGraph()
    g.node("CustomsOffice", r.get("office_code").upper(), name=r.get("name"),
           province=r.opt("province"))
    return g


def _port(g: RowGraph, code: str, **props) -> tuple[str, str]:
    g.node("Port", code, country=code[:2], **props)
    if c := _country(g, code[:2]):
        g.rel("IN_COUNTRY", ("Port", code), c)
    return ("Port", code)


def ports(r: Row) -> RowGraph:
    g = RowGraph()
    code = r.get("locode", F.locode)
    _port(g, code, name=r.get("name"))
    return g


def declarations(r: Row) -> RowGraph:
    g = RowGraph()
    no = r.get("declaration_no")
    me = ("Declaration", no)
    office = (r.opt("customs_office") or "").upper() or None
    origin, dest = r.opt("origin_country", F.country), r.opt("destination_country", F.country)
    pol, pod = r.opt("port_of_loading", F.locode), r.opt("port_of_discharge", F.locode)
    g.node("Declaration", no, type=r.get("type", F.one_of("import", "export", "transit")),
           registered_date=r.get("registered_date", F.past_date), customs_office=office,
           origin_country=origin, destination_country=dest,
           port_of_loading=pol, port_of_discharge=pod)
    g.rel("DECLARED", g.need("Company", r.get("company_id").upper(), "company_id"), me)
    if consignee := r.opt("consignee_id"):
        g.rel("CONSIGNED_TO", me, g.need("Company", consignee.upper(), "consignee_id"))
    if office:
        g.node("CustomsOffice", office)
        g.rel("FILED_AT", me, ("CustomsOffice", office))
    if c := _country(g, origin):
        g.rel("ORIGINATES_IN", me, c)
    if c := _country(g, dest):
        g.rel("DESTINED_FOR", me, c)
    if pol:
        g.rel("LOADED_AT", me, _port(g, pol))
    if pod:
        g.rel("DISCHARGED_AT", me, _port(g, pod))
    return g


def declaration_items(r: Row) -> RowGraph:
    g = RowGraph()
    decl = g.need("Declaration", r.get("declaration_no"), "declaration_no")
    hs = r.get("hs_code", F.hs_code)
    code = hs.pop("hs_code")
    qty, value = r.opt("quantity", F.number), r.opt("value_usd", F.number)
    g.node("Commodity", code, **hs)
    g.rel("DECLARES", decl, ("Commodity", code),
          line_no=r.get("line_no", F.integer, 1), description=r.opt("description"),
          quantity=qty, unit=(r.opt("unit") or "").upper() or None, value_usd=value,
          unit_value_usd=round(value / qty, 6) if qty and value is not None else None)
    return g


def declaration_containers(r: Row) -> RowGraph:
    g = RowGraph()
    decl = g.need("Declaration", r.get("declaration_no"), "declaration_no")
    no = r.get("container_no", F.container_no)
    g.node("Container", no, owner_code=no[:4])
    g.rel("COVERS", decl, ("Container", no))
    return g


def seizures(r: Row) -> RowGraph:
    g = RowGraph()
    sid = r.get("seizure_id")
    brands = [b.strip() for b in (r.opt("brands") or "").split(";") if b.strip()]
    g.node("Seizure", sid, date=r.get("date", F.past_date), location=r.opt("location"),
           unit=r.opt("unit"), violation=r.opt("violation"), goods=r.opt("goods"),
           quantity=r.opt("quantity", F.integer), value_usd=r.opt("value_usd", F.number),
           brands=";".join(brands) or None, description=r.opt("description"))
    for b in brands:
        g.node("Brand", F.brand_key(b), name=b)
        g.rel("CONCERNS_BRAND", ("Seizure", sid), ("Brand", F.brand_key(b)))
    return g


def _involvable(ref: str) -> tuple[str, str]:
    try:
        lb, key = schema.parse_ref(ref)
    except SchemaError as e:
        raise ValueError(str(e)) from None
    if ("Seizure", lb.name) not in schema.rel_type("INVOLVES").ends:
        raise ValueError(f"a seizure cannot be linked to a {lb.name}")
    return lb.name, key


def seizure_links(r: Row) -> RowGraph:
    g = RowGraph()
    seizure = g.need("Seizure", r.get("seizure_id"), "seizure_id")
    label, key = r.get("ref", _involvable)
    g.rel("INVOLVES", seizure, g.need(label, key, "ref"), role=r.get("role").lower())
    return g


@dataclass(frozen=True)
class FileSpec:
    name: str
    columns: tuple[str, ...]
    mapper: Callable[[Row], RowGraph]
    key: tuple[str, ...]  # columns that identify a row, to catch conflicting duplicates


FILES: tuple[FileSpec, ...] = (
    FileSpec("persons.csv", ("person_id", "full_name", "date_of_birth", "nationality",
                             "passport_no", "phone", "email", "address"), persons, ("person_id",)),
    FileSpec("companies.csv", ("company_id", "name", "country", "address", "phone", "email"),
             companies, ("company_id",)),
    FileSpec("officers.csv", ("person_id", "company_id", "role", "since"), officers,
             ("person_id", "company_id", "role")),
    FileSpec("flights.csv", ("flight_no", "departure_airport", "arrival_airport",
                             "departure_time", "arrival_time"), flights, ()),
    FileSpec("travel.csv", ("person_id", "flight_no", "departure_date", "role", "pnr", "seat",
                            "checked_bags"), travel, ("person_id", "flight_no", "departure_date")),
    FileSpec("containers.csv", ("container_no", "size_type", "operator"), containers,
             ("container_no",)),
    FileSpec("customs_offices.csv", ("office_code", "name", "province"), customs_offices,
             ("office_code",)),
    FileSpec("ports.csv", ("locode", "name", "country"), ports, ("locode",)),
    FileSpec("declarations.csv", ("declaration_no", "type", "company_id", "consignee_id",
                                  "customs_office", "registered_date", "origin_country",
                                  "destination_country", "port_of_loading", "port_of_discharge"),
             declarations, ("declaration_no",)),
    FileSpec("declaration_items.csv", ("declaration_no", "line_no", "hs_code", "description",
                                       "quantity", "unit", "value_usd"), declaration_items,
             ("declaration_no", "line_no")),
    FileSpec("declaration_containers.csv", ("declaration_no", "container_no"),
             declaration_containers, ()),
    FileSpec("seizures.csv", ("seizure_id", "date", "location", "unit", "violation", "goods",
                              "quantity", "value_usd", "brands", "description"), seizures,
             ("seizure_id",)),
    FileSpec("seizure_links.csv", ("seizure_id", "ref", "role"), seizure_links, ()),
)

# Columns an extension file may leave out without the file being refused.
OPTIONAL_COLUMNS = {"ports.csv": ("country",), "customs_offices.csv": ("province",)}
