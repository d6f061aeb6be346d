// name: shared_identifiers
// title: Shared phones, e-mails and addresses
// title.vi: Điện thoại, thư điện tử và địa chỉ dùng chung
// description: Persons and companies that share a phone number, an e-mail address or a postal address with the given entity (a Person or a Company, as Label:key). Addresses match when they agree letter for letter, diacritics and punctuation aside. Person:P001201 (Viet Tran's director) finds the sister firm 0313579240 answering on his mobile.
// description.vi: Những người và công ty dùng chung số điện thoại, địa chỉ thư điện tử hoặc địa chỉ bưu chính với thực thể được chọn (một Person hoặc Company, dạng Label:key). Hai địa chỉ được coi là trùng khi giống nhau từng chữ, không tính dấu và dấu câu. Person:P001201 (giám đốc công ty Việt Trấn) tìm ra công ty chị em 0313579240 dùng chung số di động của ông.
// param: ref ref = "Person:P001201" -- the entity to start from, as Label:key (Person:… or Company:…)
// param.vi: ref -- thực thể làm điểm xuất phát, dạng Label:key (Person:… hoặc Company:…)
// view: graph
// alert: false
// tags: identifiers, people, companies
MATCH (e:{{ref}})
MATCH (e)-[he:HAS_PHONE|HAS_EMAIL|HAS_ADDRESS]->(i)<-[ho:HAS_PHONE|HAS_EMAIL|HAS_ADDRESS]-(o)
WHERE o.ref <> e.ref
RETURN CASE WHEN i.number IS NOT NULL THEN 'phone'
            WHEN i.email IS NOT NULL THEN 'email'
            ELSE 'address' END AS kind,
       coalesce(i.number, i.email, i.text) AS identifier,
       o.ref AS ref,
       CASE WHEN o.person_id IS NOT NULL THEN 'Person' ELSE 'Company' END AS holder_label,
       coalesce(o.full_name, o.name) AS name,
       coalesce(o.nationality, o.country) AS country,
       e AS entity, i AS shared, o AS holder, he AS entity_link, ho AS holder_link
ORDER BY kind, identifier, ref
