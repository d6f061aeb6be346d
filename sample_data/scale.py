#!/usr/bin/env python3
"""Scale generator: the contract CSVs at any size, for benchmarks.

    python sample_data/scale.py --persons 1000000 --out DIR [--seed N]

Writes persons, flights, travel (about 5 legs a person), companies (about
persons/50), officers, containers, declarations with their items and
containers, seizures and their links, plus the customs_offices.csv and
ports.csv extension files. Every row is valid for the loader: ISO 6346 check
digits from python-stdnum, IATA codes from airportsdata, HS codes from
graph/core/data/harmonized-system.csv, E.164 numbers libphonenumber accepts as
possible. Traffic is skewed the way real traffic is (Zipf-like): a few hub
airports, busy routes, busy companies, popular commodities.

Deterministic: only `random.Random(seed)`, no clock, no unordered iteration;
the same seed and size give the same bytes. Rows stream to disk file by file;
the only things held in memory are small per-entity arrays (one flight key
per flight, one id per company), never a whole file.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import shutil
import sys
import time
from itertools import accumulate
from pathlib import Path
from random import Random
from zoneinfo import ZoneInfo

import airportsdata
from stdnum import iso6346

HERE = Path(__file__).resolve().parent
HS_FILE = HERE.parent / "graph" / "core" / "data" / "harmonized-system.csv"
SEED = 20260101
FIRST_DAY = dt.date(2016, 1, 1)
DAYS = 730
VERSION = 1  # bump when the output for a given seed and size changes

# Hub airports first: weight falls off as 1/rank (Zipf).
AIRPORTS = ("SGN HAN BKK SIN HKG ICN NRT PVG CAN TPE KUL DXB CDG FRA DOH IST PEK DAD "
            "MNL CGK DEL LHR AMS SVO SYD MEL KTI SAI VTE RGN CXR PQC HPH VII MAD FCO "
            "LAX SFO JFK YVR HAV CMB KTM DAC BOM NGO KIX PUS TAO CTU").split()
CARRIERS = "VN VJ QH TG SQ CX KE OZ NH JL MU CA CZ CI BR MH EK QR AF LH TK SU QF".split()
VN_SUR = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split()
VN_MID = "Văn Thị Hữu Đức Minh Ngọc Quốc Thanh Thu Xuân Kim Công Hồng Đình Mỹ".split()
VN_GIVEN = ("Hùng Dũng Tuấn Anh Hải Long Nam Sơn Bình Cường Quang Thắng Đạt Khoa Huy "
            "Lan Hương Hà Linh Trang Phương Thảo Vy Nhung Yến Mai Hạnh Ngân Trâm Hằng").split()
INTL_FIRST = "Wei Min-jun Jean Somchai Maria José Ivan Mehmet Sok Anna Kenji Li".split()
INTL_SUR = "Wang Kim Martin Srisuk González Pérez Ivanov Yılmaz Chan Müller Sato Chen".split()
NATS = [("VN", 70), ("CN", 8), ("KR", 6), ("FR", 3), ("TH", 3), ("KH", 3), ("JP", 2),
        ("US", 2), ("CU", 1), ("RU", 1), ("VNM", 1)]  # a few alpha-3, valid too
# E.164 templates, all "possible" for libphonenumber: prefix + this many digits.
PHONES = {"VN": ("+849", 8), "CN": ("+8613", 9), "KR": ("+8210", 8), "FR": ("+336", 8),
          "TH": ("+668", 8), "KH": ("+85510", 6), "JP": ("+8190", 8), "US": ("+1213", 7),
          "CU": ("+535", 7), "RU": ("+7916", 7), "VNM": ("+849", 8)}
MAIL = "gmail.com yahoo.com hotmail.com yahoo.com.vn 163.com naver.com".split()
CITIES = ["Quận 1, TP. Hồ Chí Minh", "Quận 3, TP. Hồ Chí Minh", "Quận Tân Bình, TP. Hồ Chí Minh",
          "Quận Hoàn Kiếm, Hà Nội", "Quận Cầu Giấy, Hà Nội", "Quận Đống Đa, Hà Nội",
          "Quận Lê Chân, Hải Phòng", "Quận Hải Châu, Đà Nẵng", "TP. Biên Hòa, Đồng Nai"]
STREETS = ("Nguyễn Huệ|Lê Lợi|Hai Bà Trưng|Điện Biên Phủ|Trần Hưng Đạo|Láng Hạ|Kim Mã|"
           "Phố Huế|Lạch Tray|Bạch Đằng|Cộng Hòa|Nguyễn Văn Linh").split("|")
CO_KIND = ["Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH TM DV XNK", "Công ty TNHH MTV"]
CO_TRADE = ("Thương mại|Xuất nhập khẩu|Logistics|Điện tử|Dệt may|Thủy sản|Gỗ|Kính|"
            "Vận tải|Thực phẩm").split("|")
CO_NAME = ("Tân Phát|Song Long|Việt Trấn|Minh Anh|Hoàng Gia|Phú Thịnh|Đại Dương|Sao Mai|"
           "Hưng Thịnh|An Khang|Thành Công|Bảo Long|Kim Ngân|Hải Âu").split("|")
CO_FOREIGN = [("CN", "Shenzhen {} Trading Co., Ltd"), ("HK", "{} Holdings Limited"),
              ("KH", "{} Import Export Co., Ltd"), ("SG", "{} Pte. Ltd."),
              ("KR", "{} Corporation"), ("JP", "{} K.K."), ("US", "{} Inc.")]
FOREIGN_WORDS = "Golden|Pacific|Dragon|Lotus|Mekong|Orient|Star|Jade|Harbor|Summit".split("|")
OWNERS = ["MSKU", "CMAU", "MSCU", "HLXU", "ONEU", "EGLU", "OOLU", "TGHU", "SEGU", "WHSU",
          "TCNU", "YMLU", "HDMU", "ZIMU", "BMOU"]
SIZE_TYPES = ["22G1", "42G1", "45G1", "45R1", "22R1", "L5G1"]
OFFICES = ["02CI", "02CX", "02B1", "01B1", "03CE", "03EE", "34CE", "43IH", "47NB", "51CB",
           "18A1"]
VN_PORTS = ["VNCLI", "VNHPH", "VNDAD", "VNCMT", "VNSGN", "VNHAN"]
FOREIGN_PORTS = ["CNSHA", "CNNGB", "CNSZX", "CNYTN", "HKHKG", "SGSIN", "KRPUS", "JPYOK",
                 "JPTYO", "TWKHH", "MYPKG", "THLCH", "KHPNH", "KHKOS", "USLAX", "USLGB",
                 "NLRTM", "DEHAM", "FRLEH", "ESVLC", "AUSYD", "IDJKT", "CNXMN", "CNCAN"]
UNITS = ["PCE", "KGM", "SET", "MTK", "PR", "CT"]
GOODS = [("counterfeit branded goods", "Nike;Adidas;Louis Vuitton"), ("cigars", ""),
         ("undeclared electronics", "Apple;Samsung"), ("pangolin scales", ""),
         ("gold jewellery", ""), ("counterfeit watches", "Rolex;Cartier")]

FILES = {
    "persons.csv": "person_id,full_name,date_of_birth,nationality,passport_no,phone,email,address",
    "companies.csv": "company_id,name,country,address,phone,email",
    "officers.csv": "person_id,company_id,role,since",
    "flights.csv": "flight_no,departure_airport,arrival_airport,departure_time,arrival_time",
    "travel.csv": "person_id,flight_no,departure_date,role,pnr,seat,checked_bags",
    "containers.csv": "container_no,size_type,operator",
    "declarations.csv": ("declaration_no,type,company_id,consignee_id,customs_office,"
                         "registered_date,origin_country,destination_country,port_of_loading,"
                         "port_of_discharge"),
    "declaration_items.csv": "declaration_no,line_no,hs_code,description,quantity,unit,value_usd",
    "declaration_containers.csv": "declaration_no,container_no",
    "seizures.csv": ("seizure_id,date,location,unit,violation,goods,quantity,value_usd,brands,"
                     "description"),
    "seizure_links.csv": "seizure_id,ref,role",
}


def zipf_cum(n: int, s: float = 1.0) -> list[float]:
    """Cumulative Zipf weights for ranks 1..n (for Random.choices)."""
    return list(accumulate(1.0 / (i + 1) ** s for i in range(n)))


class Scale:
    def __init__(self, persons: int, seed: int = SEED):
        self.n = max(int(persons), 10)
        self.seed = seed
        self.rng = Random(seed)
        self.n_companies = max(self.n // 50, 4)
        self.n_flights = max(self.n // 20, 20)  # ~100 travellers a flight
        self.n_containers = max(self.n // 30, 4)
        self.n_declarations = max(self.n // 10, 4)
        self.n_seizures = max(self.n // 1000, 2)
        self.counts: dict[str, int] = {}

    # --- helpers ----------------------------------------------------------------
    def _writer(self, out: Path, name: str):
        f = open(out / name, "w", encoding="utf-8", newline="")
        f.write(FILES[name] + "\n")
        return f, csv.writer(f, lineterminator="\n")

    def _digits(self, k: int) -> str:
        return str(self.rng.randrange(10 ** (k - 1), 10 ** k))

    @staticmethod
    def person_id(i: int) -> str:
        return f"P{i:08d}"

    @staticmethod
    def company_id(i: int) -> str:
        return f"03{i:08d}"

    @staticmethod
    def container_no(i: int) -> str:
        owner = OWNERS[i % len(OWNERS)]
        body = f"{owner}{(i // len(OWNERS)) % 1000000:06d}"
        return body + iso6346.calc_check_digit(body)

    @staticmethod
    def declaration_no(i: int) -> str:
        return f"{100000000000 + i * 7:012d}"

    # --- files ------------------------------------------------------------------
    def write(self, out: Path, progress: bool = False) -> dict[str, int]:
        out.mkdir(parents=True, exist_ok=True)
        steps = [self.persons, self.companies, self.officers, self.flights, self.travel,
                 self.containers, self.declarations, self.seizures]
        for step in steps:
            t0 = time.perf_counter()
            step(out)
            if progress:
                print(f"{step.__name__:<14} {time.perf_counter() - t0:6.1f}s", file=sys.stderr)
        for extra in ("customs_offices.csv", "ports.csv"):
            shutil.copyfile(HERE / extra, out / extra)
            with open(out / extra, encoding="utf-8") as f:
                self.counts[extra] = sum(1 for _ in f) - 1
        return self.counts

    def persons(self, out: Path) -> None:
        rng = self.rng
        f, w = self._writer(out, "persons.csv")
        nat_codes = [c for c, _ in NATS]
        nat_cum = list(accumulate(wt for _, wt in NATS))
        chunk = 10000
        family_addr, family_phone = "", ""
        for start in range(0, self.n, chunk):
            k = min(chunk, self.n - start)
            nats = rng.choices(nat_codes, cum_weights=nat_cum, k=k)
            rows = []
            for j in range(k):
                i = start + j
                nat = nats[j]
                if nat in ("VN", "VNM"):
                    name = f"{rng.choice(VN_SUR)} {rng.choice(VN_MID)} {rng.choice(VN_GIVEN)}"
                    passport = "BC"[i & 1] + self._digits(7)
                else:
                    name = f"{rng.choice(INTL_FIRST)} {rng.choice(INTL_SUR)}"
                    passport = "E" + self._digits(8)
                dob = (dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20000))).isoformat()
                # Families of about three share an address, often a phone too.
                if i % 3 == 0 or not family_addr:
                    family_addr = (f"{rng.randrange(1, 400)} {rng.choice(STREETS)}, "
                                   f"{rng.choice(CITIES)}")
                    pre, dig = PHONES[nat]
                    family_phone = pre + self._digits(dig)
                if rng.random() < 0.5:
                    pre, dig = PHONES[nat]
                    phone = pre + self._digits(dig)
                else:
                    phone = family_phone
                email = (f"p{i}.{rng.randrange(100)}@{rng.choice(MAIL)}"
                         if rng.random() < 0.7 else "")
                rows.append((self.person_id(i), name, dob, nat, passport, phone, email,
                             family_addr))
            w.writerows(rows)
        f.close()
        self.counts["persons.csv"] = self.n

    def companies(self, out: Path) -> None:
        rng = self.rng
        f, w = self._writer(out, "companies.csv")
        for i in range(self.n_companies):
            if rng.random() < 0.7:
                country = "VN"
                name = (f"{rng.choice(CO_KIND)} {rng.choice(CO_TRADE)} {rng.choice(CO_NAME)} "
                        f"{i}")
                addr = f"{rng.randrange(1, 400)} {rng.choice(STREETS)}, {rng.choice(CITIES)}"
                phone = "+8428" + self._digits(8)
            else:
                country, pattern = rng.choice(CO_FOREIGN)
                name = pattern.format(f"{rng.choice(FOREIGN_WORDS)} {i}")
                addr = f"{rng.randrange(1, 900)} Harbour Road, {country}"
                phone = {"CN": "+8613" + self._digits(9), "HK": "+8522" + self._digits(7),
                         "KH": "+85510" + self._digits(6), "SG": "+656" + self._digits(7),
                         "KR": "+8210" + self._digits(8), "JP": "+8190" + self._digits(8),
                         "US": "+1213" + self._digits(7)}[country]
            w.writerow((self.company_id(i), name, country, addr, phone,
                        f"info{i}@company{i % 997}.com"))
        f.close()
        self.counts["companies.csv"] = self.n_companies

    def officers(self, out: Path) -> None:
        rng = self.rng
        f, w = self._writer(out, "officers.csv")
        # Some people sit on many boards: officers are drawn Zipf-like from a pool.
        pool = max(self.n // 20, 10)
        cum = zipf_cum(pool, 0.8)
        roles = ["director", "owner", "representative", "shareholder"]
        rows = 0
        for c in range(self.n_companies):
            picks = rng.choices(range(pool), cum_weights=cum, k=rng.randint(1, 3))
            for role, p in zip(roles, dict.fromkeys(picks), strict=False):
                since = (dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(6000))).isoformat()
                # Spread the pool over all persons, deterministically.
                w.writerow((self.person_id((p * 7919) % self.n), self.company_id(c), role, since))
                rows += 1
        f.close()
        self.counts["officers.csv"] = rows

    def flights(self, out: Path) -> None:
        rng = self.rng
        f, w = self._writer(out, "flights.csv")
        ap = airportsdata.load("IATA")
        zones = {c: ZoneInfo(ap[c]["tz"]) for c in AIRPORTS}
        cum = zipf_cum(len(AIRPORTS))
        per_day = max(math.ceil(self.n_flights / DAYS), 1)
        self.flight_keys: list[tuple[str, str]] = []  # (flight_no, local departure date)
        self.flight_route: list[tuple[str, str, int, int]] = []  # origin, dest, dep/arr epoch
        for i in range(self.n_flights):
            day, j = divmod(i, per_day)
            carrier = CARRIERS[j % len(CARRIERS)]
            number = f"{carrier}{j // len(CARRIERS) + 1}"
            while True:
                o, d = rng.choices(AIRPORTS, cum_weights=cum, k=2)
                if o != d:
                    break
            a, b = ap[o], ap[d]
            km = _km(a["lat"], a["lon"], b["lat"], b["lon"])
            minutes = int(km / 13.5) + 40  # ~810 km/h plus taxi
            local_day = FIRST_DAY + dt.timedelta(days=day)
            dep = dt.datetime(local_day.year, local_day.month, local_day.day,
                              rng.randrange(5, 23), rng.randrange(0, 60, 5), tzinfo=zones[o])
            arr = (dep + dt.timedelta(minutes=minutes)).astimezone(zones[d])
            w.writerow((number, o, d, dep.isoformat(timespec="minutes"),
                        arr.isoformat(timespec="minutes")))
            self.flight_keys.append((number, local_day.isoformat()))
            self.flight_route.append((o, d, int(dep.timestamp()), int(arr.timestamp())))
        f.close()
        self.counts["flights.csv"] = self.n_flights

    def travel(self, out: Path) -> None:
        rng = self.rng
        f, w = self._writer(out, "travel.csv")
        nf = self.n_flights
        # Connections: flights leaving each airport, in time order, so that some
        # travellers chain legs through a hub (what the route finder looks for).
        by_origin: dict[str, list[int]] = {}
        for i, (o, _d, _dep, _a) in enumerate(self.flight_route):
            by_origin.setdefault(o, []).append(i)
        rows = 0
        letters = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        chunk = 5000
        for start in range(0, self.n, chunk):
            out_rows = []
            for p in range(start, min(start + chunk, self.n)):
                legs = rng.randint(1, 9)  # mean 5
                chosen: dict[int, None] = {}
                while len(chosen) < legs:
                    fi = rng.randrange(nf)
                    chosen[fi] = None
                    if len(chosen) < legs and rng.random() < 0.3:
                        # a connection: the next flight out of where this one lands
                        dest, arr = self.flight_route[fi][1], self.flight_route[fi][3]
                        nxt = _next_flight(by_origin.get(dest, ()), self.flight_route, arr)
                        if nxt is not None:
                            chosen[nxt] = None
                pid = self.person_id(p)
                pnr = "".join(rng.choices(letters, k=6))
                for n, fi in enumerate(chosen):
                    fno, day = self.flight_keys[fi]
                    crew = p % 97 == 0
                    out_rows.append((pid, fno, day, "crew" if crew else "passenger",
                                     "" if crew else pnr,
                                     "" if crew else f"{rng.randrange(1, 60)}{'ABCDEFHK'[n % 8]}",
                                     rng.randrange(0, 3)))
                    rows += 1
            w.writerows(out_rows)
        f.close()
        self.counts["travel.csv"] = rows

    def containers(self, out: Path) -> None:
        rng = self.rng
        f, w = self._writer(out, "containers.csv")
        for i in range(self.n_containers):
            w.writerow((self.container_no(i), rng.choice(SIZE_TYPES), OWNERS[i % len(OWNERS)][:3]))
        f.close()
        self.counts["containers.csv"] = self.n_containers

    def declarations(self, out: Path) -> None:
        rng = self.rng
        fd, wd = self._writer(out, "declarations.csv")
        fi, wi = self._writer(out, "declaration_items.csv")
        fc, wc = self._writer(out, "declaration_containers.csv")
        with open(HS_FILE, encoding="utf-8-sig", newline="") as h:
            hs = [(r["hscode"], r["description"]) for r in csv.DictReader(h)
                  if r["level"] == "6" and r["section"] != "TOTAL"]
        rng.shuffle(hs)  # a deterministic "popularity" order
        hs_cum = zipf_cum(len(hs))
        co_cum = zipf_cum(self.n_companies, 0.9)
        ct_cum = zipf_cum(self.n_containers, 0.5)
        counts = {"declarations.csv": 0, "declaration_items.csv": 0,
                  "declaration_containers.csv": 0}
        types = ["import"] * 6 + ["export"] * 3 + ["transit"]
        for i in range(self.n_declarations):
            no = self.declaration_no(i)
            kind = rng.choice(types)
            co = rng.choices(range(self.n_companies), cum_weights=co_cum)[0]
            consignee = rng.randrange(self.n_companies)
            day = (FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))).isoformat()
            foreign = rng.choice(FOREIGN_PORTS)
            home = rng.choice(VN_PORTS)
            if kind == "import":
                pol, pod = foreign, home
            elif kind == "export":
                pol, pod = home, foreign
            else:
                pol, pod = home, rng.choice(["KHPNH", "KHKOS", "LAVTE"])
            wd.writerow((no, kind, self.company_id(co), self.company_id(consignee),
                         rng.choice(OFFICES), day, pol[:2], pod[:2], pol, pod))
            for line in range(1, rng.randint(1, 5) + 1):
                code, desc = hs[rng.choices(range(len(hs)), cum_weights=hs_cum)[0]]
                qty = rng.randrange(1, 20000)
                wi.writerow((no, line, code + "00", desc[:60], qty, rng.choice(UNITS),
                             f"{qty * rng.uniform(0.5, 80):.2f}"))
                counts["declaration_items.csv"] += 1
            if pol[2:] != "HAN":  # sea freight carries containers
                picks = rng.choices(range(self.n_containers), cum_weights=ct_cum,
                                    k=rng.randint(0, 3))
                for c in dict.fromkeys(picks):
                    wc.writerow((no, self.container_no(c)))
                    counts["declaration_containers.csv"] += 1
            counts["declarations.csv"] += 1
        for f in (fd, fi, fc):
            f.close()
        self.counts.update(counts)

    def seizures(self, out: Path) -> None:
        rng = self.rng
        fs, ws = self._writer(out, "seizures.csv")
        fl, wl = self._writer(out, "seizure_links.csv")
        links = 0
        for i in range(self.n_seizures):
            sid = f"SZ-{i:07d}"
            goods, brands = rng.choice(GOODS)
            day = (FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))).isoformat()
            ws.writerow((sid, day, "Cảng Cát Lái, TP. Hồ Chí Minh", "Đội kiểm soát",
                         "smuggling", goods, rng.randrange(1, 5000),
                         f"{rng.uniform(1000, 900000):.2f}", brands, f"Seizure {i}: {goods}."))
            refs = [(f"Person:{self.person_id(rng.randrange(self.n))}", "suspect"),
                    (f"Container:{self.container_no(rng.randrange(self.n_containers))}",
                     "container"),
                    (f"Declaration:{self.declaration_no(rng.randrange(self.n_declarations))}",
                     "declaration"),
                    (f"Company:{self.company_id(rng.randrange(self.n_companies))}", "declarant")]
            for ref, role in refs[:rng.randint(1, 4)]:
                wl.writerow((sid, ref, role))
                links += 1
        fs.close()
        fl.close()
        self.counts["seizures.csv"] = self.n_seizures
        self.counts["seizure_links.csv"] = links


def _km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742 * math.asin(math.sqrt(a))


def _next_flight(candidates, routes, after_epoch: int):
    """The first flight in `candidates` (indices in time order) leaving 1-24 h after."""
    lo, hi = 0, len(candidates)
    while lo < hi:
        mid = (lo + hi) // 2
        if routes[candidates[mid]][2] < after_epoch + 3600:
            lo = mid + 1
        else:
            hi = mid
    if lo < len(candidates) and routes[candidates[lo]][2] <= after_epoch + 86400:
        return candidates[lo]
    return None


def generate(persons: int, out, seed: int = SEED, progress: bool = False) -> dict[str, int]:
    """Write the files into `out`; returns rows per file (also saved as scale.json)."""
    out = Path(out)
    counts = Scale(persons, seed).write(out, progress=progress)
    (out / "scale.json").write_text(json.dumps(
        {"persons": persons, "seed": seed, "version": VERSION, "rows": counts}, indent=1))
    return counts


def cached(persons: int, out, seed: int = SEED) -> dict[str, int] | None:
    """Row counts when `out` already holds this exact data set, else None."""
    meta = Path(out) / "scale.json"
    try:
        data = json.loads(meta.read_text())
    except (OSError, ValueError):
        return None
    if (data.get("persons"), data.get("seed"), data.get("version")) != (persons, seed, VERSION):
        return None
    return data["rows"]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--persons", type=int, default=10000)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    counts = generate(args.persons, args.out, args.seed, progress=True)
    total = sum(counts.values())
    print(f"{total:,} rows in {time.perf_counter() - t0:.1f}s -> {args.out}", file=sys.stderr)
    for name, n in counts.items():
        print(f"{name:<28} {n:>10,}")


if __name__ == "__main__":
    main()
