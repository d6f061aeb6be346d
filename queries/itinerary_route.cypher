// name: itinerary_route
// title: Itinerary route (origin → hub → destination)
// title.vi: Hành trình (nơi xuất phát → điểm nối chuyến → điểm đến)
// description: Travellers whose legs chain from an origin country or airport, through a hub airport, to a destination airport, with the connection at the hub within the window and both legs inside the date range. Cuba → CDG → HAN in March 2017 is the cigar case.
// description.vi: Hành khách có các chặng bay nối tiếp nhau từ một quốc gia hoặc sân bay xuất phát, qua một sân bay nối chuyến, đến một sân bay đích, với thời gian nối chuyến tại sân bay trung chuyển không vượt quá giới hạn và cả hai chặng nằm trong khoảng ngày đã chọn. Cuba → CDG → HAN trong tháng 3/2017 là vụ xì gà.
// param: origin_country str = "CU" -- ISO alpha-2 country of the first leg's departure airport (* for any country)
// param.vi: origin_country -- mã quốc gia ISO alpha-2 của sân bay khởi hành chặng 1 (* để lấy mọi quốc gia)
// param: origin_airport str = "" -- IATA code of the first leg's departure airport (blank or * for any airport)
// param.vi: origin_airport -- mã IATA của sân bay khởi hành chặng 1 (để trống hoặc * để lấy mọi sân bay)
// param: via str = "CDG" -- IATA code of the hub where the traveller connects (* for any hub)
// param.vi: via -- mã IATA của sân bay trung chuyển nơi hành khách nối chuyến (* để lấy mọi sân bay)
// param: destination str = "HAN" -- IATA code of the final arrival airport
// param.vi: destination -- mã IATA của sân bay đến cuối cùng
// param: date_from date = "2017-03-01" -- first local departure date of the first leg
// param.vi: date_from -- ngày khởi hành sớm nhất của chặng 1 (giờ địa phương)
// param: date_to date = "2017-03-31" -- last local departure date of the second leg
// param.vi: date_to -- ngày khởi hành muộn nhất của chặng 2 (giờ địa phương)
// param: max_connection_hours int = 36 -- longest wait at the hub
// param.vi: max_connection_hours -- thời gian chờ nối chuyến tối đa tại sân bay trung chuyển (giờ)
// view: table
// alert: false
// tags: travel, route, cigars
MATCH (a1:Airport)<-[:DEPARTS_FROM]-(f1:Flight)<-[t1:TRAVELLED]-(p:Person)-[t2:TRAVELLED]->(f2:Flight)
WHERE ($via IN ['', '*'] OR f1.destination = $via)
  AND f2.origin = f1.destination
  AND f2.destination = $destination
  AND f1.destination <> $destination
  AND ($origin_country IN ['', '*'] OR a1.country = $origin_country)
  AND ($origin_airport IN ['', '*'] OR a1.iata = $origin_airport)
  AND f1.departure_date >= $date_from
  AND f2.departure_date <= $date_to
  AND f2.departure_epoch > f1.arrival_epoch
  AND f2.departure_epoch - f1.arrival_epoch <= $max_connection_hours * 3600
RETURN p.person_id AS person_id, p.full_name AS full_name, p.nationality AS nationality,
       f1.flight_key AS first_leg, f2.flight_key AS second_leg,
       (f2.departure_epoch - f1.arrival_epoch) / 60 AS connection_minutes,
       t1.pnr AS pnr_first_leg, t2.pnr AS pnr_second_leg,
       t1.role AS role, t2.checked_bags AS checked_bags
ORDER BY person_id, first_leg, second_leg
