"""The app's one message catalogue: English and Vietnamese side by side.

    t("explore.title")                 -> text in the language chosen in the sidebar
    t("common.nodes_edges", n=3, m=2)  -> placeholders filled with str.format

Every key has both languages (a test checks it, and that every key the code
uses exists). Names from the data are never put into the catalogue's strings
as markup: callers escape them.
"""

from __future__ import annotations

LANGS = {"en": "English", "vi": "Tiếng Việt"}
DEFAULT_LANG = "en"
STATE_KEY = "lang"

# key: (English, Vietnamese)
MESSAGES: dict[str, tuple[str, str]] = {
    # --- app, navigation, sidebar ---------------------------------------------
    "app.title": ("customs-graph", "customs-graph"),
    "app.tagline": ("Link analysis for customs intelligence",
                    "Phân tích liên kết cho tình báo hải quan"),
    "nav.group.start": ("Start", "Bắt đầu"),
    "nav.group.investigate": ("Investigate", "Điều tra"),
    "nav.group.queries": ("Queries", "Truy vấn"),
    "nav.group.share": ("Report", "Báo cáo"),
    "nav.overview": ("Overview", "Tổng quan"),
    "nav.explore": ("Explore", "Khám phá"),
    "nav.investigations": ("Investigations", "Chuyên án"),
    "export.case": ("Case package", "Gói hồ sơ vụ việc"),
    "export.case_help": ("A zip of the working graph in every format, with a manifest of their "
                         "SHA-256 sums (`customs-graph case verify` checks it).",
                         "Tệp zip đồ thị làm việc ở mọi định dạng, kèm bảng kê SHA-256 "
                         "(`customs-graph case verify` kiểm tra)."),
    "nav.paths": ("Paths", "Đường liên kết"),
    "nav.routes": ("Route finder", "Tìm hành trình"),
    "nav.timeline": ("Timeline & map", "Dòng thời gian & bản đồ"),
    "nav.saved": ("Saved queries", "Truy vấn đã lưu"),
    "nav.console": ("Cypher console", "Bảng lệnh Cypher"),
    "nav.export": ("Export", "Xuất dữ liệu"),
    "nav.duty_log": ("Duty log", "Nhật ký trực ban"),
    "nav.analysis": ("Analysis", "Phân tích"),
    "nav.resolve": ("Resolve & screen", "Hợp nhất & sàng lọc"),
    "sidebar.language": ("Language", "Ngôn ngữ"),
    "sidebar.store": ("Store", "Kho dữ liệu"),
    "sidebar.nodes": ("Nodes", "Nút"),
    "sidebar.rels": ("Relationships", "Quan hệ"),
    "sidebar.refresh": ("Refresh counts", "Làm mới số liệu"),
    "sidebar.working": ("Working graph", "Đồ thị đang làm việc"),
    "sidebar.unavailable": ("Store unavailable", "Không kết nối được kho dữ liệu"),
    # --- common -----------------------------------------------------------------
    "common.search": ("Search", "Tìm kiếm"),
    "common.search_ph": ("name, key, passport, container, phone… (diacritics optional)",
                         "tên, mã, hộ chiếu, công-te-nơ, điện thoại… (không cần dấu)"),
    "common.results": ("{n} match(es)", "{n} kết quả"),
    "common.results_of": ("{n} of {total} matches (type more to narrow)",
                          "{n} trên {total} kết quả (gõ thêm để thu hẹp)"),
    "match.ref": ("reference", "mã tham chiếu"),
    "match.exact": ("exact", "khớp đúng"),
    "match.key_prefix": ("key prefix", "đầu mã"),
    "match.name": ("name", "tên"),
    "match.fuzzy": ("close spelling", "gần đúng chính tả"),
    "common.no_match": ("Nothing matches “{q}”.", "Không có kết quả cho “{q}”."),
    "common.labels": ("Labels", "Nhãn"),
    "common.labels_all": ("all labels", "tất cả nhãn"),
    "common.rel_types": ("Relationship types", "Loại quan hệ"),
    "common.rel_all": ("all types", "tất cả loại"),
    "common.run": ("Run", "Chạy"),
    "common.rows": ("{n} row(s)", "{n} dòng"),
    "common.truncated": ("The result was cut at {n} rows (the row limit).",
                         "Kết quả bị cắt ở {n} dòng (giới hạn số dòng)."),
    "common.csv": ("Download CSV", "Tải CSV"),
    "common.table": ("Table", "Bảng"),
    "common.graph": ("Graph", "Đồ thị"),
    "common.add_to_working": ("Add to working graph", "Thêm vào đồ thị làm việc"),
    "common.added": ("Added {n} new node(s) and {m} new link(s) to the working graph.",
                     "Đã thêm {n} nút mới và {m} liên kết mới vào đồ thị làm việc."),
    "common.nodes_edges": ("{n} nodes · {m} links", "{n} nút · {m} liên kết"),
    "common.row_limit": ("Row limit", "Giới hạn dòng"),
    "common.timeout": ("Timeout (s)", "Thời gian chờ (giây)"),
    "common.error": ("Error: {msg}", "Lỗi: {msg}"),
    "common.store_down": ("The store cannot be reached: {msg}",
                          "Không truy cập được kho dữ liệu: {msg}"),
    "common.store_down_help": (
        "Check that the database is running and that CUSTOMS_GRAPH_STORE names it, "
        "then retry. Your working graph is kept.",
        "Kiểm tra cơ sở dữ liệu đang chạy và biến CUSTOMS_GRAPH_STORE trỏ đúng, rồi thử "
        "lại. Đồ thị làm việc vẫn được giữ."),
    "common.retry": ("Retry", "Thử lại"),
    "common.unexpected": ("Something went wrong: {msg}", "Đã xảy ra lỗi: {msg}"),
    "common.empty_working": ("The working graph is empty: open an entity in Explore first.",
                             "Đồ thị làm việc đang trống: hãy mở một thực thể ở trang Khám phá."),
    "common.more": ("+{n} more", "+{n} nữa"),
    "common.property": ("Property", "Thuộc tính"),
    "common.value": ("Value", "Giá trị"),
    "common.open_explore": ("Open in Explore", "Mở trong Khám phá"),
    "common.date_from": ("From", "Từ ngày"),
    "common.date_to": ("To", "Đến ngày"),
    "graph.fit": ("Fit", "Vừa khung"),
    "graph.png": ("Save PNG", "Lưu PNG"),
    "graph.freeze": ("Freeze layout", "Cố định bố cục"),
    "graph.unfreeze": ("Resume layout", "Tiếp tục bố cục"),
    "graph.pinned": ("pinned", "đã ghim"),
    "graph.hint": ("click: select · double-click: expand · drag: move",
                   "nhấp: chọn · nhấp đúp: mở rộng · kéo: di chuyển"),
    "graph.hint_static": ("click: select · drag: move", "nhấp: chọn · kéo: di chuyển"),
    # --- overview ---------------------------------------------------------------
    "overview.title": ("Overview", "Tổng quan"),
    "overview.intro": (
        "What the store holds, the latest seizures and the alerts of saved queries.",
        "Nội dung kho dữ liệu, các vụ bắt giữ gần nhất và cảnh báo từ truy vấn đã lưu."),
    "overview.nodes_total": ("Nodes", "Nút"),
    "overview.rels_total": ("Relationships", "Quan hệ"),
    "overview.labels_n": ("Labels in use", "Nhãn đang dùng"),
    "overview.seizures_n": ("Seizures", "Vụ bắt giữ"),
    "overview.by_label": ("Nodes per label", "Số nút theo nhãn"),
    "overview.by_rel": ("Relationships per type", "Số quan hệ theo loại"),
    "overview.count": ("Count", "Số lượng"),
    "overview.latest": ("Latest seizures", "Các vụ bắt giữ gần nhất"),
    "overview.no_seizures": ("No seizures in the store.", "Chưa có vụ bắt giữ nào."),
    "overview.alerts": ("Alerts (saved queries marked alert)",
                        "Cảnh báo (truy vấn đã lưu được đánh dấu cảnh báo)"),
    "overview.no_alerts": ("No saved query is marked `alert: true`.",
                           "Chưa có truy vấn nào được đánh dấu `alert: true`."),
    "overview.hits": ("Hits", "Số kết quả"),
    "overview.query": ("Query", "Truy vấn"),
    # table column names the app shows (see column())
    "col.name": ("name", "tên"),
    "col.title": ("title", "tiêu đề"),
    "col.error": ("error", "lỗi"),
    "col.seizure": ("seizure", "vụ bắt giữ"),
    "col.date": ("date", "ngày"),
    "col.location": ("location", "địa điểm"),
    "col.violation": ("violation", "vi phạm"),
    "col.goods": ("goods", "hàng hóa"),
    "col.value_usd": ("value (USD)", "trị giá (USD)"),
    "col.label": ("label", "nhãn"),
    "col.type": ("type", "loại"),
    "col.iata": ("IATA", "IATA"),
    "col.lat": ("latitude", "vĩ độ"),
    "col.lon": ("longitude", "kinh độ"),
    "col.flight": ("flight", "chuyến bay"),
    "col.from": ("from", "từ"),
    "col.to": ("to", "đến"),
    "overview.alert_error": ("{name}: {msg}", "{name}: {msg}"),
    "overview.broken": ("Saved query files that do not parse", "Tệp truy vấn bị lỗi cú pháp"),
    "overview.empty": ("The store is empty. Load data with `customs-graph load DIR` "
                       "or build the demo with `customs-graph demo`.",
                       "Kho dữ liệu trống. Nạp dữ liệu bằng `customs-graph load DIR` "
                       "hoặc tạo bộ mẫu bằng `customs-graph demo`."),
    "overview.open_seizure": ("Seizure to open", "Vụ bắt giữ cần mở"),
    # --- explore ----------------------------------------------------------------
    "explore.title": ("Explore", "Khám phá"),
    "explore.pick": ("Entity", "Thực thể"),
    "explore.hops": ("Hops", "Số bước"),
    "explore.open": ("Open", "Mở"),
    "explore.open_help": ("Replace the working graph with this neighbourhood",
                          "Thay đồ thị làm việc bằng vùng lân cận này"),
    "explore.add": ("Add", "Thêm"),
    "explore.add_help": ("Add this neighbourhood to the working graph",
                         "Thêm vùng lân cận này vào đồ thị làm việc"),
    "explore.filters": ("Filters and limits", "Bộ lọc và giới hạn"),
    "explore.cap": ("Neighbours per node", "Số nút kề tối đa mỗi nút"),
    "explore.cap_help": ("A node with more neighbours shows “+N more”.",
                         "Nút có nhiều nút kề hơn sẽ hiện “+N nữa”."),
    "explore.window": ("Time window", "Khoảng thời gian"),
    "explore.window_on": ("Only events in a time window", "Chỉ sự kiện trong khoảng thời gian"),
    "explore.window_help": (
        "Flights, declarations and seizures outside the window are hidden; "
        "undated entities stay.",
        "Chuyến bay, tờ khai và vụ bắt giữ ngoài khoảng này bị ẩn; "
        "thực thể không có ngày vẫn hiện."),
    "explore.undo": ("Undo", "Hoàn tác"),
    "explore.redo": ("Redo", "Làm lại"),
    "explore.reset": ("Reset", "Xoá hết"),
    "explore.selected": ("Selected node", "Nút đang chọn"),
    "explore.expand": ("Expand", "Mở rộng"),
    "explore.expand_n": ("How many neighbours", "Bao nhiêu nút kề"),
    "explore.order": ("Which first", "Ưu tiên"),
    "explore.order.key": ("by key", "theo mã"),
    "explore.order.risk": ("linked to seizures and watchlist first",
                           "liên quan vụ bắt giữ và danh sách theo dõi trước"),
    "explore.summary": ("Neighbours by kind", "Nút kề theo loại"),
    "explore.summary_help": ("Counted by the database. Click a kind to add those "
                             "neighbours (as many as above, in that order).",
                             "Do cơ sở dữ liệu đếm. Bấm một loại để thêm các nút kề đó "
                             "(số lượng và thứ tự như trên)."),
    "explore.order.most": ("most connected", "nhiều liên kết nhất"),
    "explore.order.least": ("least connected", "ít liên kết nhất"),
    "explore.order.newest": ("newest", "mới nhất"),
    "explore.pin": ("Pin", "Ghim"),
    "explore.unpin": ("Unpin", "Bỏ ghim"),
    "explore.remove": ("Remove", "Xoá"),
    "explore.centre": ("Open here", "Mở từ đây"),
    "explore.prune": ("Remove unpinned leaves", "Xoá nút lá chưa ghim"),
    "explore.left_out": ("{n} neighbour(s) not shown", "{n} nút kề chưa hiển thị"),
    "explore.start": (
        "Search for a person, company, container, flight, phone… and open it.",
        "Tìm một người, công ty, công-te-nơ, chuyến bay, số điện thoại… rồi mở ra."),
    "explore.expanded": ("{n} new node(s).", "{n} nút mới."),
    "explore.hidden": ("{n} node(s) hidden by the filters.", "{n} nút bị ẩn do bộ lọc."),
    "explore.capped": ("Nodes with neighbours not shown", "Các nút còn nút kề chưa hiển thị"),
    "explore.fallback": ("Graph clicks not available here: use the selector on the right.",
                         "Không nhận được thao tác nhấp trên đồ thị: hãy dùng ô chọn bên phải."),
    # --- paths ------------------------------------------------------------------
    "paths.title": ("Paths", "Đường liên kết"),
    "paths.intro": ("How are two entities connected? Shortest paths, step by step.",
                    "Hai thực thể liên hệ với nhau thế nào? Các đường ngắn nhất, từng bước."),
    "paths.from": ("From", "Từ"),
    "paths.to": ("To", "Đến"),
    "paths.max_hops": ("Maximum hops", "Số bước tối đa"),
    "paths.limit": ("At most this many paths", "Tối đa số đường"),
    "paths.time": ("Time-respecting only", "Chỉ đường đúng trình tự thời gian"),
    "paths.time_help": (
        "Keep a path only if its dated steps (flights by departure date, declarations by "
        "registration date, seizures by date) come in order along the path: each one on "
        "or after the previous one. Undated steps do not count.",
        "Chỉ giữ đường mà các bước có ngày (chuyến bay theo ngày khởi hành, tờ khai theo "
        "ngày đăng ký, vụ bắt giữ theo ngày) theo đúng thứ tự dọc đường: mỗi bước cùng ngày "
        "hoặc sau bước trước. Bước không có ngày không được tính."),
    "paths.find": ("Find paths", "Tìm đường"),
    "paths.found": ("{n} path(s) of {h} hop(s).", "{n} đường dài {h} bước."),
    "paths.none": ("No path within {h} hops.", "Không có đường nào trong phạm vi {h} bước."),
    "paths.dropped": ("{n} path(s) dropped as not time-respecting.",
                      "Đã bỏ {n} đường không đúng trình tự thời gian."),
    "paths.path": ("Path", "Đường"),
    "paths.step": ("Step", "Bước"),
    "paths.entity": ("Entity", "Thực thể"),
    "paths.via": ("Link", "Liên kết"),
    "paths.date": ("Date", "Ngày"),
    "paths.pick_both": ("Choose both ends.", "Hãy chọn cả hai đầu."),
    # --- routes -----------------------------------------------------------------
    "routes.title": ("Route finder", "Tìm hành trình"),
    "routes.intro": (
        "Who travelled from an origin, through a connection, to a destination within a "
        "connection window?",
        "Ai đã đi từ nơi xuất phát, qua điểm nối chuyến, đến điểm đến trong khoảng thời "
        "gian nối chuyến cho phép?"),
    "routes.origin_kind": ("Origin is", "Nơi xuất phát là"),
    "routes.country": ("a country", "một quốc gia"),
    "routes.airport": ("an airport", "một sân bay"),
    "routes.origin_country": ("Origin country", "Quốc gia xuất phát"),
    "routes.origin_airport": ("Origin airport", "Sân bay xuất phát"),
    "routes.via": ("Via (connection airport, optional)", "Qua (sân bay nối chuyến, tuỳ chọn)"),
    "routes.via_any": ("— direct or any —", "— bay thẳng hoặc bất kỳ —"),
    "routes.destination": ("Destination airport", "Sân bay đến"),
    "routes.dates": ("Every leg departs between these local dates",
                     "Mọi chặng khởi hành trong khoảng ngày (giờ địa phương)"),
    "routes.max_hours": ("Maximum connection (hours)", "Thời gian nối chuyến tối đa (giờ)"),
    "routes.find": ("Find travellers", "Tìm hành khách"),
    "routes.found": ("{n} traveller(s).", "{n} hành khách."),
    "routes.none": ("Nobody travelled that way.", "Không có ai đi theo hành trình này."),
    "routes.using_saved": ("Using the saved query `{name}`.", "Dùng truy vấn đã lưu `{name}`."),
    "routes.using_builtin": ("Using the built-in route search.",
                             "Dùng chức năng tìm hành trình có sẵn."),
    "routes.no_airports": ("No airports in the store yet.", "Chưa có sân bay nào trong kho."),
    "routes.person": ("Traveller", "Hành khách"),
    "routes.name": ("Name", "Họ tên"),
    "routes.nationality": ("Nationality", "Quốc tịch"),
    "routes.leg1": ("First leg", "Chặng 1"),
    "routes.leg2": ("Second leg", "Chặng 2"),
    "routes.route": ("Route", "Hành trình"),
    "routes.connection": ("Connection (h)", "Nối chuyến (giờ)"),
    "routes.pnr": ("PNR", "Mã đặt chỗ"),
    "routes.arrival": ("Arrives (local)", "Đến (giờ địa phương)"),
    # --- saved queries ----------------------------------------------------------
    "saved.title": ("Saved queries", "Truy vấn đã lưu"),
    "saved.intro": ("The query library. Pick one, fill in its form and run it.",
                    "Thư viện truy vấn. Chọn một truy vấn, điền biểu mẫu rồi chạy."),
    "saved.filter": ("Filter by text", "Lọc theo nội dung"),
    "saved.tags": ("Tags", "Thẻ"),
    "saved.query": ("Query", "Truy vấn"),
    "saved.none": ("No saved queries in queries/ yet.", "Chưa có truy vấn nào trong queries/."),
    "saved.no_params": ("This query takes no parameters.", "Truy vấn này không có tham số."),
    "saved.view": ("Suggested view: {view}", "Dạng hiển thị đề xuất: {view}"),
    "saved.alert": ("alert", "cảnh báo"),
    "saved.broken": ("{n} query file(s) do not parse", "{n} tệp truy vấn bị lỗi"),
    "saved.cypher": ("Cypher", "Cypher"),
    # --- console ----------------------------------------------------------------
    "console.title": ("Cypher console", "Bảng lệnh Cypher"),
    "console.intro": ("Ad-hoc read-only Cypher. Writes are refused by the database.",
                      "Truy vấn Cypher tuỳ ý, chỉ đọc. Cơ sở dữ liệu từ chối mọi lệnh ghi."),
    "console.query": ("Cypher", "Cypher"),
    "console.params": ("Parameters (k=v lines, or JSON)",
                       "Tham số (mỗi dòng k=v, hoặc JSON)"),
    "console.bad_params": ("Bad parameters: {msg}", "Tham số không hợp lệ: {msg}"),
    "console.readonly": ("Read-only store — {msg}", "Kho chỉ đọc — {msg}"),
    # --- export -----------------------------------------------------------------
    "export.title": ("Export", "Xuất dữ liệu"),
    "export.intro": ("The working graph for investigators, in every format available.",
                     "Đồ thị làm việc cho điều tra viên, ở mọi định dạng hiện có."),
    "export.html": ("Interactive HTML (offline)", "HTML tương tác (ngoại tuyến)"),
    "export.html_help": ("One file, vis-network inlined: opens with no network.",
                         "Một tệp duy nhất, nhúng sẵn vis-network: mở được khi không có mạng."),
    "export.failed": ("{fmt}: {msg}", "{fmt}: {msg}"),
    "export.name": ("File name", "Tên tệp"),
    "export.report_title": ("customs-graph export", "customs-graph: dữ liệu xuất"),
    # --- timeline & map ---------------------------------------------------------
    "timeline.title": ("Timeline & map", "Dòng thời gian & bản đồ"),
    "timeline.intro": ("Dated events and airports of the working graph.",
                       "Các sự kiện có ngày và sân bay trong đồ thị làm việc."),
    "timeline.events": ("Timeline", "Dòng thời gian"),
    "timeline.no_events": ("No dated events (flights, declarations, seizures) in the working "
                           "graph.",
                           "Đồ thị làm việc không có sự kiện có ngày (chuyến bay, tờ khai, "
                           "vụ bắt giữ)."),
    "timeline.map": ("Airports and flights", "Sân bay và chuyến bay"),
    "timeline.no_airports": ("No airports in the working graph: expand a flight.",
                             "Đồ thị làm việc chưa có sân bay: hãy mở rộng một chuyến bay."),
    "timeline.date": ("Date", "Ngày"),
    "timeline.label": ("Label", "Nhãn"),
    "timeline.entity": ("Entity", "Thực thể"),
    "timeline.airport": ("Airport", "Sân bay"),
    "timeline.flights": ("Flights", "Chuyến bay"),
    # --- analysis (ui/analysis.py) ------------------------------------------------
    "analysis.title": ("Analysis", "Phân tích"),
    "analysis.on_working": ("On the working graph: {n} nodes, {m} links.",
                            "Trên đồ thị làm việc: {n} nút, {m} liên kết."),
    "analysis.empty_working": ("The working graph is empty: choose an entity to analyse its "
                               "{hops}-hop neighbourhood.",
                               "Đồ thị làm việc đang trống: chọn một thực thể để phân tích "
                               "vùng lân cận {hops} bước của nó."),
    "analysis.pick": ("Entity", "Thực thể"),
    "analysis.no_edges": ("This graph has no links: there is nothing to analyse.",
                          "Đồ thị này không có liên kết: không có gì để phân tích."),
    "analysis.size_by": ("Size nodes by", "Kích thước nút theo"),
    "analysis.colour": ("Colour by community", "Tô màu theo cộng đồng"),
    "analysis.no_hubs": ("Leave out hubs", "Bỏ qua các nút trung tâm"),
    "analysis.running": ("Analysing…", "Đang phân tích…"),
    "analysis.scored": ("{n} of {total} nodes scored ({m} links)",
                        "Đã chấm điểm {n} trên {total} nút ({m} liên kết)"),
    "analysis.community_n": ("Community {i} ({n})", "Cộng đồng {i} ({n})"),
    "analysis.top": ("Top entities", "Thực thể hàng đầu"),
    "analysis.approximate": ("Betweenness is approximated: estimated from a sample of {k} "
                             "of {n} nodes.",
                             "Độ trung gian là ước lượng: tính từ mẫu {k} trên {n} nút."),
    "analysis.score_degree": ("Degree", "Bậc"),
    "analysis.score_betweenness": ("Betweenness", "Độ trung gian"),
    "analysis.score_pagerank": ("PageRank", "PageRank"),
    "analysis.entity": ("Entity", "Thực thể"),
    "analysis.label": ("Label", "Nhãn"),
    "analysis.score": ("Score", "Điểm"),
    "analysis.communities": ("Communities", "Cộng đồng"),
    "analysis.components": ("{n} connected component(s), {k} communities.",
                            "{n} thành phần liên thông, {k} cộng đồng."),
    "analysis.community": ("Community", "Cộng đồng"),
    "analysis.size": ("Size", "Kích thước"),
    "analysis.members": ("Members (most linked first)", "Thành viên (liên kết nhiều nhất trước)"),
    "analysis.bridges": ("Bridges", "Cầu nối"),
    "analysis.bridges_help": ("Links whose removal splits the graph.",
                              "Liên kết mà nếu bỏ đi thì đồ thị bị tách rời."),
    "analysis.end_a": ("From", "Từ"),
    "analysis.end_b": ("To", "Đến"),
    "analysis.articulation": ("Articulation points", "Điểm khớp nối"),
    "analysis.articulation_help": ("Entities whose removal splits the graph: the go-betweens.",
                                   "Thực thể mà nếu bỏ đi thì đồ thị bị tách rời: "
                                   "các trung gian."),
    "analysis.risk": ("Risk score", "Điểm rủi ro"),
    "analysis.risk_help": ("A sum of listed contributions, each with its reason; the weights "
                           "are in graph/analysis/risk_weights.toml.",
                           "Tổng các đóng góp được liệt kê, mỗi đóng góp có lý do; trọng số "
                           "nằm trong graph/analysis/risk_weights.toml."),
    "analysis.risk_entity": ("Entity to score", "Thực thể cần chấm điểm"),
    "analysis.risk_go": ("Score risk", "Chấm điểm rủi ro"),
    "analysis.risk_score": ("Risk score", "Điểm rủi ro"),
    "analysis.band_low": ("low", "thấp"),
    "analysis.band_medium": ("medium", "trung bình"),
    "analysis.band_high": ("high", "cao"),
    "analysis.risk_none": ("No rule fired: score 0.", "Không có quy tắc nào áp dụng: điểm 0."),
    "analysis.rule": ("Rule", "Quy tắc"),
    "analysis.points": ("Points", "Điểm"),
    "analysis.reason": ("Reason", "Lý do"),
    "analysis.refs": ("Rests on", "Dựa trên"),
    "analysis.masked": ("Personal data is masked for your role.",
                        "Dữ liệu cá nhân được che đối với vai trò của bạn."),
    # --- entity resolution and screening (ui/resolve_page.py) --------------------
    "resolve.title": ("Resolve & screen", "Hợp nhất & sàng lọc"),
    "resolve.intro": ("Records are never merged: accepting a pair links them with SAME_AS "
                      "(undoable). Decisions are recorded as {who}.",
                      "Bản ghi không bao giờ bị gộp: chấp nhận một cặp sẽ nối chúng bằng "
                      "SAME_AS (có thể hoàn tác). Quyết định được ghi nhận dưới tên {who}."),
    "resolve.proposals": ("Proposed duplicates", "Đề xuất trùng lặp"),
    "resolve.proposals_help": ("Pairs of Persons or Companies that may be one entity, best "
                               "first, with the evidence behind each score.",
                               "Các cặp Người hoặc Công ty có thể là một thực thể, tốt nhất "
                               "trước, kèm bằng chứng cho từng điểm số."),
    "resolve.refresh": ("Propose again", "Đề xuất lại"),
    "resolve.proposing": ("Comparing records…", "Đang so sánh bản ghi…"),
    "resolve.none": ("No proposals.", "Không có đề xuất."),
    "resolve.record_a": ("Record A", "Bản ghi A"),
    "resolve.record_b": ("Record B", "Bản ghi B"),
    "resolve.score": ("Score", "Điểm"),
    "resolve.evidence": ("Evidence", "Bằng chứng"),
    "resolve.pick": ("Decide on a pair ({n} proposed)", "Quyết định một cặp ({n} đề xuất)"),
    "resolve.accept": ("Accept", "Chấp nhận"),
    "resolve.reject": ("Reject", "Từ chối"),
    "resolve.accepted_msg": ("Accepted: {pair} linked by SAME_AS.",
                             "Đã chấp nhận: {pair} được nối bằng SAME_AS."),
    "resolve.rejected_msg": ("Rejected: {pair}.", "Đã từ chối: {pair}."),
    "resolve.undone_msg": ("Undone: {pair} no longer linked.",
                           "Đã hoàn tác: {pair} không còn được nối."),
    "resolve.merges": ("Accepted merges", "Hợp nhất đã chấp nhận"),
    "resolve.no_merges": ("No accepted merges yet.", "Chưa có hợp nhất nào được chấp nhận."),
    "resolve.by": ("Decided by", "Người quyết định"),
    "resolve.at": ("Decided at", "Thời điểm"),
    "resolve.undo_pick": ("Merge to undo", "Hợp nhất cần hoàn tác"),
    "resolve.undo": ("Undo merge", "Hoàn tác hợp nhất"),
    "resolve.screening": ("Watchlist screening", "Sàng lọc danh sách theo dõi"),
    "resolve.screening_help": ("A CSV file (UTF-8, header row) with the columns {columns}; "
                               "each row needs a name or a company.",
                               "Tệp CSV (UTF-8, có dòng tiêu đề) với các cột {columns}; "
                               "mỗi dòng cần có tên người hoặc tên công ty."),
    "resolve.watchlist": ("Watchlist CSV", "Tệp CSV danh sách theo dõi"),
    "resolve.too_big": ("The watchlist is larger than {mb} MB.",
                        "Danh sách theo dõi lớn hơn {mb} MB."),
    "resolve.screening_run": ("Screening…", "Đang sàng lọc…"),
    "resolve.screened": ("{n} watchlist entries screened: {k} hit(s).",
                         "Đã sàng lọc {n} mục: {k} kết quả trùng khớp."),
    "resolve.line": ("Line", "Dòng"),
    "resolve.kind": ("Kind", "Loại"),
    "resolve.watch": ("Watchlist name", "Tên trong danh sách"),
    "resolve.name": ("Stored name", "Tên trong kho"),
    "resolve.role_merge": ("Your role ({role}) may not decide merges: the analyst or admin "
                           "role is needed.",
                           "Vai trò của bạn ({role}) không được quyết định hợp nhất: cần vai "
                           "trò phân tích viên hoặc quản trị."),
    "resolve.role_screen": ("Your role ({role}) may not see screening evidence (personal "
                            "data): the analyst or admin role is needed.",
                            "Vai trò của bạn ({role}) không được xem bằng chứng sàng lọc (dữ "
                            "liệu cá nhân): cần vai trò phân tích viên hoặc quản trị."),
    # --- labels of the schema, for legends and filters ---------------------------
    "label.Person": ("Person", "Người"),
    "label.Flight": ("Flight", "Chuyến bay"),
    "label.Airport": ("Airport", "Sân bay"),
    "label.Country": ("Country", "Quốc gia"),
    "label.Booking": ("Booking", "Đặt chỗ"),
    "label.Company": ("Company", "Công ty"),
    "label.Container": ("Container", "Công-te-nơ"),
    "label.Declaration": ("Declaration", "Tờ khai"),
    "label.Commodity": ("Commodity", "Hàng hoá"),
    "label.CustomsOffice": ("Customs office", "Chi cục hải quan"),
    "label.Port": ("Port", "Cảng"),
    "label.Seizure": ("Seizure", "Vụ bắt giữ"),
    "label.Brand": ("Brand", "Nhãn hiệu"),
    "label.Phone": ("Phone", "Điện thoại"),
    "label.Email": ("Email", "Thư điện tử"),
    "label.Address": ("Address", "Địa chỉ"),
    # --- sign-in, roles (ui/auth.py) --------------------------------------------
    "auth.sign_in_help": ("Users are set up: sign in to use the workbench.",
                          "Hệ thống đã có người dùng: hãy đăng nhập để sử dụng."),
    "auth.name": ("User name", "Tên người dùng"),
    "auth.password": ("Password", "Mật khẩu"),
    "auth.sign_in": ("Sign in", "Đăng nhập"),
    "auth.failed": ("Wrong user name or password.", "Sai tên người dùng hoặc mật khẩu."),
    "auth.sign_out": ("Sign out", "Đăng xuất"),
    "auth.signed_in": ("Signed in as {name} ({role})", "Đã đăng nhập: {name} ({role})"),
    "auth.single": ("{name} · single-user mode", "{name} · chế độ một người dùng"),
    "auth.role.viewer": ("viewer", "người xem"),
    "auth.role.analyst": ("analyst", "phân tích viên"),
    "auth.role.admin": ("admin", "quản trị"),
    "auth.masked": ("Personal data (passport numbers, birth dates, phones, e-mails, "
                    "addresses) is masked for your role.",
                    "Dữ liệu cá nhân (số hộ chiếu, ngày sinh, điện thoại, thư điện tử, "
                    "địa chỉ) được che đối với vai trò của bạn."),
    "auth.export_refused": ("Your role ({role}) may not export data: the analyst or admin "
                            "role is needed.",
                            "Vai trò của bạn ({role}) không được xuất dữ liệu: cần vai trò "
                            "phân tích viên hoặc quản trị."),
    # sign-in and masking
    "auth.oidc_sign_in": ("Sign in with {provider}", "Đăng nhập bằng {provider}"),
    "auth.oidc_refused": ("Signed in at the identity provider, but not let in here: {msg}",
                          "Đã đăng nhập ở nhà cung cấp định danh nhưng không được vào "
                          "đây: {msg}"),
    "auth.oidc_other": ("Sign out of the identity provider", "Đăng xuất khỏi nhà cung cấp "
                        "định danh"),
    "auth.oidc_no_authlib": ("Sign-in through the identity provider is set up, but Authlib "
                             "is not installed: pip install \"customs-graph[oidc]\".",
                             "Đăng nhập qua nhà cung cấp định danh đã được cấu hình nhưng "
                             "chưa cài Authlib: pip install \"customs-graph[oidc]\"."),
    # watchlist alerts
    "watch.alerts": ("Alerts: watchlist hits", "Cảnh báo: trùng khớp danh sách theo dõi"),
    "watch.none": ("No watchlist is stored. Keep one on the Resolve & screen page, or with "
                   "`customs-graph screen WATCHLIST.csv --save`.",
                   "Chưa lưu danh sách theo dõi nào. Hãy lưu ở trang Hợp nhất & sàng lọc, "
                   "hoặc bằng `customs-graph screen WATCHLIST.csv --save`."),
    "watch.about": ("Stored watchlist {file}: {n} entries, saved {at} by {who} "
                    "(SHA-256 {sha}…).",
                    "Danh sách theo dõi đã lưu {file}: {n} mục, lưu lúc {at} bởi {who} "
                    "(SHA-256 {sha}…)."),
    "watch.no_hits": ("No stored person or company matches the watchlist.",
                      "Không có người hay công ty nào trong kho trùng với danh sách."),
    "watch.count": ("{k} hit(s) on {m} stored entity(ies).",
                    "{k} kết quả trùng trên {m} thực thể trong kho."),
    "watch.open": ("Watchlist hit to open", "Kết quả trùng cần mở"),
    "watch.none_stored": ("No watchlist is stored yet: the Overview shows no watchlist "
                          "alerts.",
                          "Chưa lưu danh sách theo dõi: trang Tổng quan chưa có cảnh báo "
                          "danh sách."),
    "watch.save_help": ("The Overview screens the store against the stored watchlist and "
                        "shows its hits as alerts. Saving replaces the stored one and goes "
                        "into the audit trail.",
                        "Trang Tổng quan sàng lọc kho theo danh sách đã lưu và hiển thị kết "
                        "quả trùng thành cảnh báo. Lưu sẽ thay danh sách cũ và được ghi vào "
                        "nhật ký kiểm tra."),
    "watch.save": ("Keep as the stored watchlist", "Lưu làm danh sách theo dõi"),
    "watch.replace": ("Replace the stored watchlist with this file",
                      "Thay danh sách đã lưu bằng tệp này"),
    "watch.is_stored": ("This file is the stored watchlist.",
                        "Tệp này chính là danh sách theo dõi đã lưu."),
    "watch.saved": ("Stored watchlist: {file}, {n} entries.",
                    "Đã lưu danh sách theo dõi: {file}, {n} mục."),
    "watch.role": ("Your role ({role}) may not keep the watchlist: the analyst or admin role "
                   "is needed.",
                   "Vai trò của bạn ({role}) không được lưu danh sách theo dõi: cần vai trò "
                   "phân tích viên hoặc quản trị."),
}


def lang() -> str:
    try:
        import streamlit as st

        value = st.session_state.get(STATE_KEY, DEFAULT_LANG)
    except Exception:  # noqa: BLE001 - outside a Streamlit run
        value = DEFAULT_LANG
    return value if value in LANGS else DEFAULT_LANG


def t(key: str, **values) -> str:
    """The message `key` in the current language, placeholders filled."""
    pair = MESSAGES.get(key)
    if pair is None:
        text = key
    else:
        text = pair[1] if lang() == "vi" else pair[0]
    return text.format(**values) if values else text


def column(name: str) -> str:
    """A table column's heading in the current language (the name itself when the
    catalogue has none: a query's own column)."""
    return t(f"col.{name}") if f"col.{name}" in MESSAGES else name


def label_name(name: str) -> str:
    """A schema label as analysts read it in the current language."""
    return t(f"label.{name}") if f"label.{name}" in MESSAGES else name
