// name: repeat_route_travellers
// title: Repeat travellers on a route
// description: Persons who flew from one airport to another at least `min_trips` times in the date range, as passengers, crew or either. Bags counts their checked bags on the route. Bangkok → Tân Sơn Nhất (BKK → SGN) at least five times finds the three Vietnam Airlines crew of the cosmetics case (P002222 fourteen times, P002221 and P002223 seven).
// param: origin str = "BKK" -- IATA code of the departure airport
// param: destination str = "SGN" -- IATA code of the arrival airport
// param: min_trips int = 5 -- fewest flights on the route
// param: role str = "" -- passenger or crew (blank or * for either)
// param: date_from date = "" -- first local departure date (blank for no limit)
// param: date_to date = "" -- last local departure date (blank for no limit)
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
