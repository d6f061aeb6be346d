// name: co_travellers
// title: Co-travellers of a person
// title.vi: Những người đi cùng một hành khách
// description: Persons who share a booking (PNR) with the given person, or who flew on at least `min_shared` of the same flights. Crew are left out unless asked for: a cabin crew member shares flights with hundreds of passengers. P000901 finds the other three cigar passengers (shared bookings HT4R9B and QX7K2M, four or eight flights in common).
// description.vi: Những người có chung mã đặt chỗ (PNR) với người được chọn, hoặc đã bay cùng người đó trên ít nhất `min_shared` chuyến bay. Thành viên tổ bay không được liệt kê, trừ khi có yêu cầu: một tiếp viên bay cùng chuyến với hàng trăm hành khách. P000901 tìm ra ba hành khách còn lại của vụ xì gà (chung mã đặt chỗ HT4R9B và QX7K2M, chung bốn hoặc tám chuyến bay).
// param: person_id str = "P000901" -- the person to start from
// param.vi: person_id -- người làm điểm xuất phát
// param: min_shared int = 3 -- flights in common that make a co-traveller without a shared booking
// param.vi: min_shared -- số chuyến bay chung để coi là người đi cùng khi không chung mã đặt chỗ
// param: include_crew bool = false -- also list crew members who flew with the person
// param.vi: include_crew -- liệt kê cả thành viên tổ bay đã bay cùng người này
// view: graph
// alert: false
// tags: travel, people, booking
MATCH (p:Person {person_id: $person_id})-[rp:TRAVELLED|BOOKED]->(x)<-[r:TRAVELLED|BOOKED]-(o:Person)
WHERE o.person_id <> p.person_id
  AND ($include_crew OR r.role IS NULL OR r.role = 'passenger')
WITH p, o,
     count(DISTINCT x.pnr) AS shared_bookings,
     count(DISTINCT x.flight_key) AS shared_flights,
     min(x.departure_date) AS first_shared,
     max(x.departure_date) AS last_shared,
     collect(DISTINCT x) AS shared, collect(DISTINCT rp) AS person_links,
     collect(DISTINCT r) AS co_traveller_links
WHERE shared_bookings > 0 OR shared_flights >= $min_shared
RETURN o.person_id AS person_id, o.full_name AS full_name, o.nationality AS nationality,
       shared_bookings, shared_flights, first_shared, last_shared,
       p AS person, o AS co_traveller, shared, person_links, co_traveller_links
ORDER BY shared_bookings DESC, shared_flights DESC, person_id
