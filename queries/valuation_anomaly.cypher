// name: valuation_anomaly
// title: Undervalued declaration lines
// title.vi: Dòng hàng khai thấp trị giá
// description: Declaration lines whose unit value (value_usd / quantity) is far below the median of every line of the same goods: the same HS subheading (HS6, or the full HS code) in the same unit. One cheap line is noise; a line is listed only when its declarant's own median for those goods is that low too, over at least `min_lines` lines — a declarant who always declares a fifth of the market price. ratio is the line's unit value over the market median. The Hà Nội float-glass importer 0108564322 (HS 7005, 0.6–1 USD/m² against a market of about 6) is the planted case.
// description.vi: Các dòng hàng trên tờ khai có đơn giá (value_usd / quantity) thấp hơn nhiều so với trung vị của mọi dòng hàng cùng loại: cùng phân nhóm HS (HS6, hoặc mã HS đầy đủ) và cùng đơn vị tính. Một dòng giá thấp đơn lẻ chỉ là nhiễu; một dòng chỉ được liệt kê khi trung vị riêng của người khai cho mặt hàng đó cũng thấp như vậy, trên ít nhất `min_lines` dòng — tức là người khai luôn khai giá chỉ bằng khoảng một phần năm giá thị trường. ratio là đơn giá của dòng chia cho trung vị thị trường. Doanh nghiệp nhập khẩu kính nổi ở Hà Nội 0108564322 (HS 7005, 0,6–1 USD/m² so với giá thị trường khoảng 6) là tình huống mẫu cài sẵn.
// param: max_ratio float = 0.2 -- list lines below this fraction of the median unit value
// param.vi: max_ratio -- liệt kê các dòng có đơn giá dưới tỷ lệ này so với trung vị
// param: min_lines int = 2 -- lines of the same goods the declarant must have, all told
// param.vi: min_lines -- tổng số dòng hàng cùng loại tối thiểu mà người khai phải có
// param: min_market_lines int = 10 -- lines of the goods in the whole store before a median means something
// param.vi: min_market_lines -- số dòng hàng cùng loại tối thiểu trong toàn bộ kho để trung vị có ý nghĩa
// param: hs_prefix str = "" -- only HS codes starting with this, e.g. 7005 (blank or * for all goods)
// param.vi: hs_prefix -- chỉ lấy mã HS bắt đầu bằng chuỗi này, ví dụ 7005 (để trống hoặc * để lấy mọi hàng hoá)
// param: by_hs6 bool = true -- compare within the HS6 subheading (false: within the full HS code)
// param.vi: by_hs6 -- so sánh trong cùng phân nhóm HS6 (false: trong cùng mã HS đầy đủ)
// view: table
// alert: true
// tags: trade, valuation, tax, glass
MATCH (:Declaration)-[l:DECLARES]->(c:Commodity)
WHERE l.unit_value_usd > 0 AND ($hs_prefix IN ['', '*'] OR c.hs_code STARTS WITH $hs_prefix)
WITH CASE WHEN $by_hs6 THEN coalesce(c.hs6, c.hs_code) ELSE c.hs_code END AS goods,
     coalesce(l.unit, '') AS unit, l.unit_value_usd AS value, c.hs_code AS code
WITH goods, unit, percentileCont(value, 0.5) AS median, count(*) AS market_lines,
     collect(DISTINCT code) AS codes
WHERE market_lines >= $min_market_lines
UNWIND codes AS code
MATCH (c:Commodity {hs_code: code})
MATCH (co:Company)-[:DECLARED]->(d:Declaration)-[l:DECLARES]->(c)
WHERE l.unit_value_usd > 0 AND coalesce(l.unit, '') = unit
WITH goods, unit, median, market_lines, co,
     percentileCont(l.unit_value_usd, 0.5) AS declarant_median, count(*) AS declarant_lines,
     collect(DISTINCT CASE WHEN l.unit_value_usd <= $max_ratio * median
                           THEN d.declaration_no END) AS low
WHERE declarant_lines >= $min_lines AND declarant_median <= $max_ratio * median
// The low lines again from their declarations, read by key: from the company,
// every line of a large declarant was read (3,000,000 at 1,000,000 persons).
UNWIND low AS number
MATCH (d:Declaration {declaration_no: number})
MATCH (d)-[l:DECLARES]->(c:Commodity)
WHERE l.unit_value_usd > 0 AND coalesce(l.unit, '') = unit
  AND (CASE WHEN $by_hs6 THEN coalesce(c.hs6, c.hs_code) ELSE c.hs_code END) = goods
  AND ($hs_prefix IN ['', '*'] OR c.hs_code STARTS WITH $hs_prefix)
  AND l.unit_value_usd <= $max_ratio * median
RETURN co.company_id AS company_id, co.name AS company,
       d.declaration_no AS declaration_no, d.registered_date AS registered_date,
       l.line_no AS line_no, c.hs_code AS hs_code, l.description AS description,
       l.quantity AS quantity, unit, l.unit_value_usd AS unit_value_usd,
       round(median, 4) AS median_unit_value, round(l.unit_value_usd / median, 3) AS ratio,
       round(declarant_median / median, 3) AS declarant_ratio,
       declarant_lines, market_lines
ORDER BY ratio, company_id, declaration_no, line_no
