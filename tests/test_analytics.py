"""Analytics on real subgraphs of the sample store, and the transparent risk score."""

from __future__ import annotations

import doctest
import json

import networkx as nx
import pytest

from graph.analysis import analytics, risk
from graph.core.errors import DataError, NotFound
from graph.core.model import Edge, Node, Subgraph

VIET_TRAN = "Company:0312345678"
CONTAINER = "Container:WHSU5018375"
GLASS_CO = "Company:0108564322"
CIGAR_PAX = "Person:P000901"
HOUSEMATE = "Person:P000905"  # shares P000903's address, never travels


@pytest.fixture(scope="module")
def viet_tran(sample_lbug_url):
    from graph.core.stores import open_store

    with open_store(sample_lbug_url) as s:
        return s.neighbours(VIET_TRAN, hops=2)


# --- conversions ------------------------------------------------------------------
def test_networkx_round_trip_keeps_everything(viet_tran):
    g = analytics.to_networkx(viet_tran)
    assert isinstance(g, nx.MultiDiGraph)
    assert g.number_of_nodes() == len(viet_tran.nodes)
    assert g.number_of_edges() == len(viet_tran.edges)
    node = g.nodes[VIET_TRAN]
    assert (node["label"], node["key"]) == ("Company", "0312345678")
    assert node["properties"]["source"].startswith("companies.csv:")
    back = analytics.from_networkx(g)
    assert set(back.nodes) == set(viet_tran.nodes)
    assert set(back.edges) == set(viet_tran.edges)
    for nid, n in viet_tran.nodes.items():
        assert back.nodes[nid].properties == n.properties
    for eid, e in viet_tran.edges.items():
        assert back.edges[eid].properties == e.properties


def test_parallel_edges_stay_apart():
    sub = Subgraph()
    sub.add_node(Node("Declaration", "1"))
    sub.add_node(Node("Commodity", "61091000"))
    for line in (1, 2, 3):
        sub.add_edge(Edge("Declaration:1", "Commodity:61091000", "DECLARES", {"line_no": line}))
    g = analytics.to_networkx(sub)
    assert g.number_of_edges() == 3
    assert len(analytics.from_networkx(g).edges) == 3
    h = analytics.simple_undirected(g)
    assert h.number_of_edges() == 1 and h.edges["Declaration:1", "Commodity:61091000"][
        "weight"] == 3


# --- scores ----------------------------------------------------------------------
def test_analyse_the_viet_tran_neighbourhood(viet_tran):
    result = analytics.analyse(viet_tran, top=5)
    assert result["nodes"] == len(viet_tran.nodes)
    assert result["edges"] == len(viet_tran.edges)
    assert VIET_TRAN in {r["id"] for r in result["betweenness"]["top"]}
    assert result["betweenness"]["approximate"] is False
    assert VIET_TRAN in result["articulation_points"]
    # without the hubs (Country:VN links to thousands), the company and its seizure lead
    local = analytics.analyse(viet_tran, top=3, exclude_labels=analytics.hub_labels())
    for score in ("degree", "pagerank"):
        top = {r["id"]: r for r in local[score]}
        assert {VIET_TRAN, "Seizure:SZ-2017-0621-CLI"} <= set(top), top
    assert top[VIET_TRAN]["caption"] == "Công ty TNHH TM DV XNK Du lịch Việt Trấn"
    # communities partition the graph
    members = [m["id"] for c in result["communities"] for m in c["members"]]
    assert sorted(members) == sorted(viet_tran.nodes)
    assert sum(c["size"] for c in result["communities"]) == len(viet_tran.nodes)
    assert sum(result["components"]) == len(viet_tran.nodes)
    # bridges and articulation points agree with networkx on the undirected projection
    h = analytics.simple_undirected(analytics.to_networkx(viet_tran))
    assert {tuple(b) for b in result["bridges"]} == {tuple(sorted(b)) for b in nx.bridges(h)}
    assert set(result["articulation_points"]) == set(nx.articulation_points(h))
    # a fixed seed: the same subgraph always gives the same answer
    assert analytics.analyse(viet_tran, top=5) == result


def test_hubs_can_be_left_out(viet_tran):
    hubs = analytics.hub_labels()
    assert {"Country", "Commodity", "CustomsOffice"} <= set(hubs)
    result = analytics.analyse(viet_tran, exclude_labels=hubs)
    ids = {r["id"] for r in result["degree"]} | set(result["articulation_points"])
    assert not any(i.split(":")[0] in hubs for i in ids)
    assert result["nodes"] == len(viet_tran.nodes)
    assert result["scored_nodes"] < len(viet_tran.nodes)


def test_betweenness_is_sampled_on_large_graphs_and_says_so():
    g = nx.relabel_nodes(nx.balanced_tree(3, 5), lambda n: f"Person:{n}")  # root: Person:0
    exact = analytics.betweenness(g, work=10**9)
    assert exact.approximate is False and exact.sample is None
    est = analytics.betweenness(g, work=10_000)
    assert est.approximate is True and est.sample == analytics.MIN_SAMPLE
    assert est.values.keys() == exact.values.keys()
    # the estimate puts the root of the tree first, as the exact score does
    assert exact.top(1)[0][0] == est.top(1)[0][0] == "Person:0"
    assert analytics.betweenness(g, work=10_000).values == est.values  # fixed seed


def test_pagerank_matches_networkx():
    from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

    g = nx.karate_club_graph()
    nx.set_edge_attributes(g, 1, "weight")
    ours = analytics.pagerank(g).values
    ref = _pagerank_python(g, weight="weight", tol=1e-12)
    assert max(abs(ours[n] - ref[n]) for n in g) < 1e-8
    assert analytics.pagerank(nx.Graph()).values == {}


def test_small_cases():
    empty = analytics.analyse(Subgraph())
    assert empty["nodes"] == 0 and empty["communities"] == [] and empty["degree"] == []
    sub = Subgraph()
    sub.add_node(Node("Person", "A", {"full_name": "A"}))
    one = analytics.analyse(sub)
    assert one["components"] == [1] and one["bridges"] == []


def test_docstring_examples_run():
    assert doctest.testmod(analytics).failed == 0


# --- risk ---------------------------------------------------------------------------
def test_risk_weights_come_from_the_toml():
    w = risk.load_weights()
    assert w["near_seizure"]["points"] > 0 and "Phone" in w["shared_identifier"]["identifiers"]


def test_unit_value_far_below_the_median_is_explained(sample_store):
    r = risk.score(sample_store, GLASS_CO)
    rules = [c for c in r.contributions if c.rule == "unit_value"]
    assert rules and r.band == "high"
    first = rules[0]
    assert "HS 7005" in first.reason and "median" in first.reason and "MTK" in first.reason
    assert first.refs and first.refs[0].startswith("Declaration:")
    assert r.score == round(sum(c.points for c in r.contributions), 2)
    # the cap is a listed line too, never a silent clip
    w = risk.load_weights()
    assert sum(c.points for c in rules) <= w["unit_value"]["max_points"]


def test_seized_passenger_and_housemate(sample_store):
    model = risk.RiskModel(sample_store)
    pax = model.score(CIGAR_PAX)
    near = [c for c in pax.contributions if c.rule == "near_seizure"]
    assert near[0].points == 40 and "SZ-2017-0319-HAN" in near[0].reason
    assert any(c.rule == "seized_route" and "CDG->HAN" in c.reason for c in pax.contributions)
    assert any(c.rule == "shared_identifier" and "phone" in c.reason
               for c in pax.contributions)  # the ring shares a phone
    mate = model.score(HOUSEMATE)
    shared = [c for c in mate.contributions if c.rule == "shared_identifier"]
    assert shared and "address" in shared[0].reason and "Person:P000903" in shared[0].reason
    assert not any(c.rule == "seized_route" for c in mate.contributions)  # never travels
    assert pax.score > mate.score > 0


def test_weights_change_the_score_and_nothing_else_does(sample_store, tmp_path):
    text = risk.WEIGHTS_FILE.read_text("utf-8").replace("points = 20        # per anomalous",
                                                        "points = 0        # per anomalous")
    assert "points = 0 " in text
    path = tmp_path / "w.toml"
    path.write_text(text, "utf-8")
    r = risk.score(sample_store, GLASS_CO, risk.load_weights(path))
    assert all(c.points == 0 for c in r.contributions if c.rule == "unit_value")
    assert r.score == sum(c.points for c in r.contributions)
    bad = tmp_path / "bad.toml"
    bad.write_text("[bands]\nmedium = 1\n", "utf-8")
    with pytest.raises(DataError, match="high"):
        risk.load_weights(bad)
    with pytest.raises(NotFound):
        risk.score(sample_store, "Person:NOPE")


def test_both_stores_give_the_same_risk_scores(sample_lbug, sample_neo4j):
    """Every rule's Cypher reads the same facts from either store: same scores,
    same contributions, same reasons."""
    refs = [GLASS_CO, CIGAR_PAX, HOUSEMATE, VIET_TRAN, CONTAINER, "Person:P000417",
            "Person:P000002"]
    lb = [s.to_json() for s in risk.score_many(sample_lbug, refs)]
    nj = [s.to_json() for s in risk.score_many(sample_neo4j, refs)]
    assert lb == nj
    # not vacuous: every band and every rule shows up
    assert {s["band"] for s in lb} == {"high", "medium", "low"}
    assert {c["rule"] for s in lb for c in s["contributions"]} == {
        "near_seizure", "shared_identifier", "seized_route", "unit_value"}
    for model in (risk.RiskModel(sample_lbug), risk.RiskModel(sample_neo4j)):
        assert model.seized_entities() and model.seized_routes()
    assert (risk.RiskModel(sample_lbug).seized_entities()
            == risk.RiskModel(sample_neo4j).seized_entities())


@pytest.fixture(params=["ladybug", "neo4j"])
def sample_url(request):
    return request.getfixturevalue("sample_lbug_url" if request.param == "ladybug"
                                   else "sample_neo4j_url")


def test_risk_command(sample_url):
    import json

    from typer.testing import CliRunner

    from graph.cli.extra import app

    r = CliRunner().invoke(app, ["risk", GLASS_CO, HOUSEMATE, "--store", sample_url,
                                 "--json"])
    assert r.exit_code == 0, r.output
    scores = json.loads(r.stdout)["scores"]
    assert [s["ref"] for s in scores] == [GLASS_CO, HOUSEMATE]  # highest first
    assert all(c["reason"] for s in scores for c in s["contributions"])
    r = CliRunner().invoke(app, ["analyse", CONTAINER, "--hops", "2", "--store",
                                 sample_url, "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["ref"] == CONTAINER and data["excluded_labels"] == analytics.hub_labels()


# --- the rule registry: adding a rule is one entry -------------------------------------
def _sharing_a_booking(model, ref, w):
    """A rule the project does not have: a Person who booked under a PNR (a test's rule,
    its own Cypher on the real store)."""
    if not ref.startswith("Person:"):
        return []
    _, rows = model.store.read(
        "MATCH (p {ref: $ref})-[:BOOKED]->(b) RETURN b.pnr ORDER BY b.pnr", {"ref": ref})
    return [risk.Contribution("booked_a_pnr", float(w["points"]), f"booked PNR {pnr}",
                              [f"Booking:{pnr}"]) for (pnr,) in rows]


def test_a_rule_registered_once_is_scored_and_explained(sample_store, monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from graph.cli.extra import app

    before = risk.score(sample_store, CIGAR_PAX)
    monkeypatch.setattr(risk, "RULES", dict(risk.RULES))  # the test's entry goes with it
    risk.register(risk.Rule("booked_a_pnr", "Booked under a PNR", _sharing_a_booking,
                            {"points": 7, "max_points": 7}))
    after = risk.score(sample_store, CIGAR_PAX)
    mine = [c for c in after.contributions if c.rule == "booked_a_pnr"]
    assert mine and mine[0].reason.startswith("booked PNR ") and mine[0].refs
    assert after.score == round(before.score + sum(c.points for c in mine), 2)
    assert sum(c.points for c in mine) <= 7  # capped at its max_points like any rule
    # its weights come from the TOML when it has a table there; the entry's defaults if not
    path = tmp_path / "w.toml"
    path.write_text(risk.WEIGHTS_FILE.read_text("utf-8")
                    + "\n[booked_a_pnr]\npoints = 3\nmax_points = 3\n", "utf-8")
    r = CliRunner().invoke(app, ["risk", CIGAR_PAX, "--store", sample_store.url,
                                 "--weights", str(path), "--json"])
    assert r.exit_code == 0, r.output
    [scored] = json.loads(r.stdout)["scores"]
    assert sum(c["points"] for c in scored["contributions"]
               if c["rule"] == "booked_a_pnr") == 3.0  # its cap from the TOML
    path.write_text(path.read_text("utf-8") + "typo = 1\n", "utf-8")
    with pytest.raises(DataError, match=r"\[booked_a_pnr\] has unknown typo"):
        risk.load_weights(path)


def test_a_weights_table_of_no_rule_is_refused(tmp_path):
    path = tmp_path / "w.toml"
    path.write_text(risk.WEIGHTS_FILE.read_text("utf-8") + "\n[near_seizur]\npoints = 1\n",
                    "utf-8")
    with pytest.raises(DataError, match="no rule is called near_seizur"):
        risk.load_weights(path)
    without = risk.WEIGHTS_FILE.read_text("utf-8").replace("decay = 0.5", "")
    path.write_text(without, "utf-8")
    with pytest.raises(DataError, match=r"lack \[near_seizure\] decay"):
        risk.load_weights(path)
