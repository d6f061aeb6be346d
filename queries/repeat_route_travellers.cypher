// name: repeat_route_travellers
// title: Repeat travellers on a route
// title.vi: Người bay nhiều lần trên cùng một đường bay
// description: Persons who flew from one airport to another at least `min_trips` times in the date range, as passengers, crew or either. Bags counts their checked bags on the route. Bangkok → Tân Sơn Nhất (BKK → SGN) at least five times finds the three Vietnam Airlines crew of the cosmetics case (P002222 fourteen times, P002221 and P002223 seven).
// description.vi: Những người đã bay từ một sân bay đến một sân bay khác ít nhất `min_trips` lần trong khoảng ngày đã chọn, với tư cách hành khách, tổ bay hoặc cả hai. bags là tổng số kiện hành lý ký gửi của họ trên đường bay đó. Bangkok → Tân Sơn Nhất (BKK → SGN) từ năm lần trở lên tìm ra ba thành viên tổ bay Vietnam Airlines của vụ mỹ phẩm (P002222 mười bốn lần, P002221 và P002223 bảy lần).
// param: origin str = "BKK" -- IATA code of the departure airport
// param.vi: origin -- mã IATA của sân bay đi
// param: destination str = "SGN" -- IATA code of the arrival airport
// param.vi: destination -- mã IATA của sân bay đến
// param: min_trips int = 5 -- fewest flights on the route
// param.vi: min_trips -- số chuyến bay tối thiểu trên đường bay
// param: role str = "" -- passenger or crew (blank or * for either)
// param.vi: role -- passenger (hành khách) hoặc crew (tổ bay); để trống hoặc * để lấy cả hai
// param: date_from date = "" -- first local departure date (blank for no limit)
// param.vi: date_from -- ngày khởi hành sớm nhất, giờ địa phương (để trống: không giới hạn)
// param: date_to date = "" -- last local departure date (blank for no limit)
// param.vi: date_to -- ngày khởi hành muộn nhất, giờ địa phương (để trống: không giới hạn)
// view: table
// alert: false
// tags: travel, route, crew
MATCH (p:Person)-[t:TRAVELLED]->(f:Flight)
WHERE f.origin = $origin AND f.destination = $destination
  AND ($role IN ['', '*'] OR t.role = $role)
  AND ($date_from = '' OR f.departure_date >= $date_from)
  AND ($date_to = '' OR f.departure_date <= $date_to)
WITH p, count(DISTINCT f) AS trips, sum(t.checked_bags) AS bags,
     count(DISTINCT CASE WHEN t.role = 'crew' THEN f.flight_key END) AS as_crew,
     min(f.departure_date) AS first_trip, max(f.departure_date) AS last_trip
WHERE trips >= $min_trips
RETURN p.person_id AS person_id, p.full_name AS full_name, p.nationality AS nationality,
       trips, as_crew, bags, first_trip, last_trip
ORDER BY trips DESC, person_id
