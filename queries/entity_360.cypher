// name: entity_360
// title: Entity 360° (everything within two hops)
// title.vi: Toàn cảnh 360° một thực thể (mọi liên kết trong phạm vi hai bước)
// description: What surrounds one entity, given as Label:key: its neighbours (hop 1) and their neighbours (hop 2), counted by the label they come through (via), the relationship type and the label they carry. A node is counted at its nearest hop (in each group it is reached through). Countries, HS codes and customs offices join thousands of entities: they are not stepped through to a second hop unless through_hubs is true. first and last are the smallest and largest Label:key in each group, to open from the explorer.
// description.vi: Những gì xung quanh một thực thể, nhập theo dạng Label:key: các nút kề (bước 1) và nút kề của chúng (bước 2), đếm theo nhãn của nút trung gian (via), loại quan hệ và nhãn của nút. Mỗi nút chỉ được đếm ở bước gần nhất (trong từng nhóm mà nó được dẫn tới). Quốc gia, mã HS và chi cục hải quan nối với hàng nghìn thực thể: không đi tiếp qua chúng sang bước 2, trừ khi through_hubs là true. first và last là Label:key nhỏ nhất và lớn nhất của mỗi nhóm, để mở trong trang Khám phá.
// param: ref ref = "Container:WHSU5018375" -- the entity, as Label:key (Person:P000901, Company:0312345678, Flight:VN18@2017-03-19 …)
// param.vi: ref -- thực thể, dạng Label:key (Person:P000901, Company:0312345678, Flight:VN18@2017-03-19 …)
// param: through_hubs bool = false -- also step through countries, HS codes and customs offices to a second hop
// param.vi: through_hubs -- đi tiếp cả qua quốc gia, mã HS và chi cục hải quan sang bước 2
// view: table
// alert: false
// tags: overview, explore
// Labels and relationship types are read with label() in LadybugDB, labels()/type() in
// Neo4j; the rest is the same. Hop 1 and hop 2 come out of one match, split by UNWIND
// (UNION would not sort as one result). A hop-2 node next to the start is a hop-1 node:
// NOT EXISTS drops it without carrying the list of hop-1 nodes along every row.
// --- ladybug
MATCH (n:{{ref}})
MATCH (n)-[r1]-(m1)
OPTIONAL MATCH (m1)-[r2]-(m2)
WHERE ($through_hubs OR NOT label(m1) IN ['Country', 'Commodity', 'CustomsOffice'])
  AND m2.ref <> n.ref AND NOT EXISTS { MATCH (n)--(m2) }
UNWIND [1, 2] AS hop
WITH hop,
     CASE WHEN hop = 1 THEN label(n) ELSE label(m1) END AS via,
     CASE WHEN hop = 1 THEN label(r1) ELSE label(r2) END AS relationship,
     CASE WHEN hop = 1 THEN label(m1) ELSE label(m2) END AS label,
     CASE WHEN hop = 1 THEN m1.ref ELSE m2.ref END AS ref
WHERE ref IS NOT NULL
RETURN hop, via, relationship, label, count(DISTINCT ref) AS nodes, min(ref) AS first, max(ref) AS last
ORDER BY hop, via, relationship, label
// --- neo4j
MATCH (n:{{ref}})
MATCH (n)-[r1]-(m1)
OPTIONAL MATCH (m1)-[r2]-(m2)
WHERE ($through_hubs OR NOT labels(m1)[0] IN ['Country', 'Commodity', 'CustomsOffice'])
  AND m2.ref <> n.ref AND NOT EXISTS { MATCH (n)--(m2) }
UNWIND [1, 2] AS hop
WITH hop,
     CASE WHEN hop = 1 THEN labels(n)[0] ELSE labels(m1)[0] END AS via,
     CASE WHEN hop = 1 THEN type(r1) ELSE type(r2) END AS relationship,
     CASE WHEN hop = 1 THEN labels(m1)[0] ELSE labels(m2)[0] END AS label,
     CASE WHEN hop = 1 THEN m1.ref ELSE m2.ref END AS ref
WHERE ref IS NOT NULL
RETURN hop, via, relationship, label, count(DISTINCT ref) AS nodes, min(ref) AS first, max(ref) AS last
ORDER BY hop, via, relationship, label
