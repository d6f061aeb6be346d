// name: transit_chain
// title: Transit chain from a container
// title.vi: Chuỗi quá cảnh từ một công-te-nơ
// description: From a container to the company that declared it, that company's officers, its other declarations of the same type (transit by default), the containers they cover and the consignees abroad, one row per declaration and container. declaration_seizure and container_seizure name a seizure linked to the declaration or to the container (a box is reused: its seizure may be later than the declaration). WHSU5018375 leads to Viet Tran (0312345678), its director and representative, six transit declarations to Cambodia, nine containers and two Cambodian consignees.
// description.vi: Từ một công-te-nơ đến công ty đã khai báo nó, người quản lý của công ty đó, các tờ khai khác cùng loại của công ty (mặc định là quá cảnh), các công-te-nơ trên những tờ khai đó và người nhận hàng ở nước ngoài; mỗi dòng là một tờ khai và một công-te-nơ. declaration_seizure và container_seizure nêu vụ bắt giữ liên quan đến tờ khai hoặc đến công-te-nơ (công-te-nơ được dùng lại nhiều lần: vụ bắt giữ có thể muộn hơn tờ khai). WHSU5018375 dẫn đến công ty Việt Trấn (0312345678), giám đốc và người đại diện của công ty, sáu tờ khai quá cảnh sang Campuchia, chín công-te-nơ và hai người nhận hàng ở Campuchia.
// param: container_no str = "WHSU5018375" -- ISO 6346 container number to start from
// param.vi: container_no -- số công-te-nơ theo ISO 6346 làm điểm xuất phát
// param: decl_type str = "transit" -- type of the declarant's other declarations to follow: transit, import or export (* for every type)
// param.vi: decl_type -- loại tờ khai khác của người khai cần lần theo: transit (quá cảnh), import (nhập khẩu) hoặc export (xuất khẩu); * để lấy mọi loại
// view: graph
// alert: false
// tags: trade, containers, transit, counterfeits
MATCH (start:Container {container_no: $container_no})<-[:COVERS]-(d0:Declaration)<-[:DECLARED]-(co:Company)
WITH start, co, collect(d0.declaration_no) AS started
MATCH (co)-[dec:DECLARED]->(d:Declaration)
WHERE d.declaration_no IN started OR $decl_type IN ['', '*'] OR d.type = $decl_type
OPTIONAL MATCH (d)-[cov:COVERS]->(c:Container)
OPTIONAL MATCH (d)-[con:CONSIGNED_TO]->(k:Company)
OPTIONAL MATCH (sd:Seizure)-[:INVOLVES]->(d)
OPTIONAL MATCH (sc:Seizure)-[:INVOLVES]->(c)
OPTIONAL MATCH (o:Person)-[r:OFFICER_OF]->(co)
// Officers come back as one sorted list: LadybugDB sorts a list with list_sort,
// Neo4j 5 has no list sort without APOC, so it collects rows already in order.
// The CASE keeps a company without officers at [] (LadybugDB reads NULL + 'x' as 'x').
// --- ladybug
RETURN start.container_no AS start_container, co.company_id AS declarant_id, co.name AS declarant,
       list_sort(collect(DISTINCT CASE WHEN o IS NULL THEN NULL
                                ELSE o.person_id + ' ' + o.full_name + ' (' + r.role + ')' END)) AS officers,
       d.declaration_no AS declaration_no, d.type AS type, d.registered_date AS registered_date,
       d.origin_country AS origin_country, d.destination_country AS destination_country,
       d.declaration_no IN started AS is_start,
       c.container_no AS container_no,
       k.company_id AS consignee_id, k.name AS consignee, k.country AS consignee_country,
       min(sd.seizure_id) AS declaration_seizure, min(sc.seizure_id) AS container_seizure,
       co AS company, d AS declaration, c AS container, k AS consignee_company,
       dec AS declared, cov AS covers, con AS consigned_to,
       collect(DISTINCT o) AS officer_nodes, collect(DISTINCT r) AS officer_links
ORDER BY declarant_id, registered_date, declaration_no, container_no
// --- neo4j
WITH start, started, co, dec, d, cov, c, con, k, sd, sc, o, r
ORDER BY o.person_id, r.role
RETURN start.container_no AS start_container, co.company_id AS declarant_id, co.name AS declarant,
       collect(DISTINCT CASE WHEN o IS NULL THEN NULL
                                ELSE o.person_id + ' ' + o.full_name + ' (' + r.role + ')' END) AS officers,
       d.declaration_no AS declaration_no, d.type AS type, d.registered_date AS registered_date,
       d.origin_country AS origin_country, d.destination_country AS destination_country,
       d.declaration_no IN started AS is_start,
       c.container_no AS container_no,
       k.company_id AS consignee_id, k.name AS consignee, k.country AS consignee_country,
       min(sd.seizure_id) AS declaration_seizure, min(sc.seizure_id) AS container_seizure,
       co AS company, d AS declaration, c AS container, k AS consignee_company,
       dec AS declared, cov AS covers, con AS consigned_to,
       collect(DISTINCT o) AS officer_nodes, collect(DISTINCT r) AS officer_links
ORDER BY declarant_id, registered_date, declaration_no, container_no
