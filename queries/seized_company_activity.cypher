// name: seized_company_activity
// title: Activity of companies around a seizure of their container
// title.vi: Hoạt động của doanh nghiệp quanh vụ bắt giữ công-te-nơ của mình
// description: For every seized container, the company whose declaration was moving it (its latest declaration covering the box on or before the seizure day) and that company's other declarations registered within `days` days before or after the seizure. Rows are those other declarations; days_from_seizure is negative before the seizure. For the Cát Lái counterfeit seizure of 21/06/2017 it gives Viet Tran's transit declaration of 30/05 and its import of 19/07.
// description.vi: Với mỗi công-te-nơ bị bắt giữ: công ty có tờ khai đang vận chuyển công-te-nơ đó (tờ khai gần nhất có công-te-nơ này, đăng ký trước hoặc đúng ngày bắt giữ), cùng các tờ khai khác của công ty được đăng ký trong vòng `days` ngày trước hoặc sau vụ bắt giữ. Mỗi dòng là một tờ khai khác đó; days_from_seizure mang giá trị âm nếu trước ngày bắt giữ. Với vụ bắt giữ hàng giả tại Cát Lái ngày 21/06/2017, kết quả là tờ khai quá cảnh ngày 30/05 và tờ khai nhập khẩu ngày 19/07 của công ty Việt Trấn.
// param: days int = 30 -- days before and after the seizure to look at
// param.vi: days -- số ngày trước và sau vụ bắt giữ cần xem xét
// param: seizure_id str = "" -- one seizure (blank or * for every seizure of a container)
// param.vi: seizure_id -- một vụ bắt giữ cụ thể (để trống hoặc * để lấy mọi vụ bắt giữ công-te-nơ)
// view: table
// alert: true
// tags: seizures, trade, companies
MATCH (s:Seizure)-[:INVOLVES]->(c:Container)<-[:COVERS]-(d:Declaration)
WHERE ($seizure_id IN ['', '*'] OR s.seizure_id = $seizure_id) AND d.registered_date <= s.date
WITH s, c, max(d.registered_date) AS last_date
MATCH (c)<-[:COVERS]-(sd:Declaration)<-[:DECLARED]-(co:Company)
WHERE sd.registered_date = last_date
WITH s, co, sd, min(c.container_no) AS container_no
MATCH (co)-[:DECLARED]->(d2:Declaration)
WHERE d2.declaration_no <> sd.declaration_no
// Date arithmetic differs: LadybugDB subtracts two dates to a number of days,
// Neo4j measures the duration between them.
// --- ladybug
WITH s, co, sd, container_no, d2, date(d2.registered_date) - date(s.date) AS offset
WHERE offset >= -$days AND offset <= $days
RETURN s.seizure_id AS seizure_id, s.date AS seizure_date, s.goods AS goods,
       container_no, sd.declaration_no AS seized_declaration,
       co.company_id AS company_id, co.name AS company,
       d2.declaration_no AS declaration_no, d2.type AS type, d2.registered_date AS registered_date,
       offset AS days_from_seizure, d2.origin_country AS origin_country,
       d2.destination_country AS destination_country
ORDER BY seizure_date, seizure_id, company_id, seized_declaration, registered_date, declaration_no
// --- neo4j
WITH s, co, sd, container_no, d2, duration.inDays(date(s.date), date(d2.registered_date)).days AS offset
WHERE offset >= -$days AND offset <= $days
RETURN s.seizure_id AS seizure_id, s.date AS seizure_date, s.goods AS goods,
       container_no, sd.declaration_no AS seized_declaration,
       co.company_id AS company_id, co.name AS company,
       d2.declaration_no AS declaration_no, d2.type AS type, d2.registered_date AS registered_date,
       offset AS days_from_seizure, d2.origin_country AS origin_country,
       d2.destination_country AS destination_country
ORDER BY seizure_date, seizure_id, company_id, seized_declaration, registered_date, declaration_no
