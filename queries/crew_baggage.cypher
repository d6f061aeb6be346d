// name: crew_baggage
// title: Crew checking bags on risky routes
// title.vi: Tổ bay ký gửi hành lý trên đường bay rủi ro
// description: Pilots and cabin crew who checked at least `min_bags` bags as crew on a route (departure → arrival airport) where a seizure has been linked to a flight, or who did so on the same route at least `min_trips` times. One row per crew member and route; own_seizures counts seizures the crew member is linked to. Crew rarely check more than one bag. The three Vietnam Airlines crew P002221, P002222 and P002223 on VN600 Bangkok → Tân Sơn Nhất are the planted case.
// description.vi: Phi công và tiếp viên đã ký gửi ít nhất `min_bags` kiện hành lý với tư cách tổ bay trên một đường bay (sân bay đi → sân bay đến) có chuyến bay liên quan đến vụ bắt giữ, hoặc đã làm như vậy trên cùng đường bay ít nhất `min_trips` lần. Mỗi dòng là một thành viên tổ bay và một đường bay; own_seizures là số vụ bắt giữ liên quan đến chính thành viên đó. Tổ bay hiếm khi ký gửi quá một kiện hành lý. Ba thành viên tổ bay Vietnam Airlines P002221, P002222 và P002223 trên chuyến VN600 Bangkok → Tân Sơn Nhất là tình huống mẫu cài sẵn.
// param: min_bags int = 2 -- checked bags on one flight that count as heavy
// param.vi: min_bags -- số kiện hành lý ký gửi trên một chuyến bay được coi là nhiều
// param: min_trips int = 3 -- heavy trips on one route that make it a pattern even without a seizure
// param.vi: min_trips -- số chuyến mang nhiều hành lý trên một đường bay để coi là có dấu hiệu lặp lại, kể cả khi chưa có vụ bắt giữ
// view: table
// alert: true
// tags: travel, crew, baggage, seizures
// --- ladybug
MATCH (p:Person)-[t:TRAVELLED]->(f:Flight)
WHERE t.role = 'crew' AND t.checked_bags >= $min_bags
WITH p, f.origin AS origin, f.destination AS destination,
     count(DISTINCT f) AS heavy_trips, sum(t.checked_bags) AS heavy_bags,
     max(t.checked_bags) AS most_bags,
     min(f.departure_date) AS first_heavy, max(f.departure_date) AS last_heavy
OPTIONAL MATCH (rs:Seizure)-[:INVOLVES]->(sf:Flight)
WHERE sf.origin = origin AND sf.destination = destination
WITH p, origin, destination, heavy_trips, heavy_bags, most_bags, first_heavy, last_heavy,
     count(DISTINCT rs) AS route_seizures
WHERE route_seizures > 0 OR heavy_trips >= $min_trips
MATCH (p)-[a:TRAVELLED]->(g:Flight)
WHERE a.role = 'crew' AND g.origin = origin AND g.destination = destination
WITH p, origin, destination, heavy_trips, heavy_bags, most_bags, first_heavy, last_heavy,
     route_seizures, count(DISTINCT g) AS crew_trips
OPTIONAL MATCH (ps:Seizure)-[:INVOLVES]->(p)
RETURN p.person_id AS person_id, p.full_name AS full_name, p.nationality AS nationality,
       origin, destination, crew_trips, heavy_trips, heavy_bags, most_bags,
       first_heavy, last_heavy, route_seizures, count(DISTINCT ps) AS own_seizures
ORDER BY heavy_trips DESC, person_id, origin, destination
// --- neo4j
// Neo4j runs an OPTIONAL MATCH once per incoming row: the seized routes are
// read once, first, and looked up in a list (16 s at 1,000,000 persons before).
OPTIONAL MATCH (rs:Seizure)-[:INVOLVES]->(sf:Flight)
WITH sf.origin + '>' + sf.destination AS route, count(DISTINCT rs) AS n
WITH collect([route, n]) AS seized
MATCH (p:Person)-[t:TRAVELLED]->(f:Flight)
USING INDEX t:TRAVELLED(role)
WHERE t.role = 'crew' AND t.checked_bags >= $min_bags
WITH seized, p, f.origin AS origin, f.destination AS destination,
     count(DISTINCT f) AS heavy_trips, sum(t.checked_bags) AS heavy_bags,
     max(t.checked_bags) AS most_bags,
     min(f.departure_date) AS first_heavy, max(f.departure_date) AS last_heavy
WITH p, origin, destination, heavy_trips, heavy_bags, most_bags, first_heavy, last_heavy,
     coalesce(head([x IN seized WHERE x[0] = origin + '>' + destination | x[1]]), 0)
       AS route_seizures
WHERE route_seizures > 0 OR heavy_trips >= $min_trips
MATCH (p)-[a:TRAVELLED]->(g:Flight)
WHERE a.role = 'crew' AND g.origin = origin AND g.destination = destination
WITH p, origin, destination, heavy_trips, heavy_bags, most_bags, first_heavy, last_heavy,
     route_seizures, count(DISTINCT g) AS crew_trips
OPTIONAL MATCH (ps:Seizure)-[:INVOLVES]->(p)
RETURN p.person_id AS person_id, p.full_name AS full_name, p.nationality AS nationality,
       origin, destination, crew_trips, heavy_trips, heavy_bags, most_bags,
       first_heavy, last_heavy, route_seizures, count(DISTINCT ps) AS own_seizures
ORDER BY heavy_trips DESC, person_id, origin, destination
