// name: brand_infringement
// title: Seizures by brand, and what they link to
// title.vi: Vụ bắt giữ theo nhãn hiệu và các đối tượng liên quan
// description: Seizures that concern a brand, and every entity each one is linked to: the companies (declarant, consignee), containers, declarations, passengers and flights, with the route they travelled (departure → arrival airport for a flight, port of loading → port of discharge for a declaration). One row per brand, seizure and linked entity. The brand is matched as typed, upper- or lower-case, accents optional ("hermes" finds Hermès); "Nike" finds the Cát Lái container WHSU5018375, Viet Tran and the Cambodian consignee.
// description.vi: Các vụ bắt giữ liên quan đến một nhãn hiệu, cùng mọi thực thể có liên kết với từng vụ: công ty (người khai hải quan, người nhận hàng), công-te-nơ, tờ khai, hành khách và chuyến bay, kèm tuyến vận chuyển (sân bay đi → sân bay đến đối với chuyến bay, cảng xếp hàng → cảng dỡ hàng đối với tờ khai). Mỗi dòng là một nhãn hiệu, một vụ bắt giữ và một thực thể liên quan. Nhãn hiệu được so khớp theo nội dung gõ vào, không phân biệt chữ hoa, chữ thường, có dấu hay không dấu ("hermes" tìm ra Hermès); "Nike" tìm ra công-te-nơ WHSU5018375 tại Cát Lái, công ty Việt Trấn và người nhận hàng ở Campuchia.
// param: brand str = "" -- brand name or part of it (blank or * for every brand)
// param.vi: brand -- tên nhãn hiệu hoặc một phần tên (để trống hoặc * để lấy mọi nhãn hiệu)
// param: date_from date = "" -- first seizure date (blank for no limit)
// param.vi: date_from -- ngày bắt giữ sớm nhất (để trống: không giới hạn)
// param: date_to date = "" -- last seizure date (blank for no limit)
// param.vi: date_to -- ngày bắt giữ muộn nhất (để trống: không giới hạn)
// view: graph
// alert: false
// tags: seizures, brands, counterfeits, IPR
MATCH (b:Brand)<-[cb:CONCERNS_BRAND]-(s:Seizure)
WHERE ($brand IN ['', '*'] OR b.brand_key CONTAINS toUpper($brand) OR toUpper(b.name) CONTAINS toUpper($brand))
  AND ($date_from = '' OR s.date >= $date_from)
  AND ($date_to = '' OR s.date <= $date_to)
MATCH (s)-[i:INVOLVES]->(x)
RETURN b.name AS brand, s.seizure_id AS seizure_id, s.date AS seizure_date, s.goods AS goods,
       s.violation AS violation, i.role AS role, x.ref AS linked,
       coalesce(x.name, x.full_name, x.container_no, x.declaration_no, x.flight_key,
                x.number, x.email, x.text, x.pnr) AS linked_name,
       CASE WHEN x.flight_key IS NOT NULL
            THEN coalesce(x.origin, '?') + ' → ' + coalesce(x.destination, '?')
            WHEN x.declaration_no IS NOT NULL
            THEN coalesce(x.port_of_loading, '?') + ' → ' + coalesce(x.port_of_discharge, '?')
       END AS route,
       b AS brand_node, s AS seizure, x AS linked_node, cb AS concerns, i AS involves
ORDER BY brand, seizure_date, seizure_id, role, linked
