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
    "nav.paths": ("Paths", "Đường liên kết"),
    "nav.routes": ("Route finder", "Tìm hành trình"),
    "nav.timeline": ("Timeline & map", "Dòng thời gian & bản đồ"),
    "nav.saved": ("Saved queries", "Truy vấn đã lưu"),
    "nav.console": ("Cypher console", "Bảng lệnh Cypher"),
    "nav.export": ("Export", "Xuất dữ liệu"),
    "nav.duty_log": ("Duty log", "Nhật ký trực ban"),
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
    "common.added": ("Added {n} node(s) to the working graph.",
                     "Đã thêm {n} nút vào đồ thị làm việc."),
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


def label_name(name: str) -> str:
    """A schema label as analysts read it in the current language."""
    return t(f"label.{name}") if f"label.{name}" in MESSAGES else name
