// name: identifier_clusters
// title: Identifier clusters (switchboards, shared premises)
// title.vi: Cụm thông tin liên hệ dùng chung (tổng đài, trụ sở chung)
// description: Every phone, e-mail or address held by several persons or companies: the cluster of holders each shared identifier forms, largest first. By default only clusters with a company in them (shared premises, one switchboard for several firms, a director's mobile answering for a firm); families sharing a home address are left out unless with_company is false. Run shared_identifiers on a holder to see one cluster in detail.
// description.vi: Mọi số điện thoại, thư điện tử hoặc địa chỉ được nhiều người hoặc công ty cùng sử dụng: mỗi thông tin dùng chung tạo thành một cụm các bên sử dụng, cụm lớn nhất trước. Mặc định chỉ lấy các cụm có doanh nghiệp (trụ sở chung, một tổng đài cho nhiều doanh nghiệp, số di động của giám đốc dùng cho doanh nghiệp); các gia đình chung địa chỉ nhà bị bỏ qua, trừ khi with_company là false. Chạy shared_identifiers cho một bên sử dụng để xem chi tiết một cụm.
// param: kind str = "" -- phone, email or address (blank or * for all three)
// param.vi: kind -- phone (điện thoại), email (thư điện tử) hoặc address (địa chỉ); để trống hoặc * để lấy cả ba
// param: min_holders int = 2 -- fewest persons and companies sharing the identifier
// param.vi: min_holders -- số người và công ty tối thiểu cùng sử dụng thông tin đó
// param: with_company bool = true -- only clusters with at least one company in them
// param.vi: with_company -- chỉ lấy các cụm có ít nhất một công ty
// view: table
// alert: false
// tags: identifiers, people, companies
// The identifiers a company holds first (the default), then all their holders:
// aggregating every holder of every identifier took seconds at 100,000 persons.
MATCH (x)-[:HAS_PHONE|HAS_EMAIL|HAS_ADDRESS]->(i)
WHERE NOT $with_company OR x.company_id IS NOT NULL
WITH DISTINCT i
MATCH (o)-[:HAS_PHONE|HAS_EMAIL|HAS_ADDRESS]->(i)
WITH i,
     CASE WHEN i.number IS NOT NULL THEN 'phone'
          WHEN i.email IS NOT NULL THEN 'email'
          ELSE 'address' END AS kind,
     count(DISTINCT o.ref) AS holders,
     count(DISTINCT o.person_id) AS persons,
     count(DISTINCT o.company_id) AS companies,
     min(o.ref) AS first_holder,
     max(o.ref) AS last_holder
WHERE holders >= $min_holders
  AND ($kind IN ['', '*'] OR kind = $kind)
  AND (NOT $with_company OR companies > 0)
RETURN kind, coalesce(i.number, i.email, i.text) AS identifier,
       holders, persons, companies, first_holder, last_holder
ORDER BY holders DESC, companies DESC, kind, identifier
