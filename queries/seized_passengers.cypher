// name: seized_passengers
// title: Passengers linked to seizures
// title.vi: Hành khách liên quan đến vụ bắt giữ
// description: Persons a seizure names as passengers, with the flight they came on and what was found.
// description.vi: Những người được vụ bắt giữ nêu tên với tư cách hành khách, kèm chuyến bay họ đã đi và tang vật thu giữ.
// param: since date = "2017-01-01" -- first seizure date
// param.vi: since -- ngày bắt giữ sớm nhất
// param: violation str = "" -- part of the violation, e.g. drug (blank or * for any)
// param.vi: violation -- một phần nội dung vi phạm, ví dụ drug (ma tuý); để trống hoặc * để lấy mọi vi phạm
// view: table
// alert: false
// tags: seizures, travel
MATCH (s:Seizure)-[i:INVOLVES]->(p:Person)
WHERE s.date >= $since AND i.role = 'passenger'
  AND ($violation IN ['', '*'] OR s.violation CONTAINS $violation)
OPTIONAL MATCH (s)-[:INVOLVES]->(f:Flight)
RETURN s.seizure_id AS seizure_id, s.date AS seizure_date, s.goods AS goods,
       p.person_id AS person_id, p.full_name AS full_name, f.flight_key AS flight,
       p AS person
ORDER BY seizure_date, seizure_id, person_id, flight
