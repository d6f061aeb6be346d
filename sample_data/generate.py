#!/usr/bin/env python3
"""Deterministic generator for the customs-graph sample data set.

    python sample_data/generate.py [--out DIR] [--seed N] [--hs PATH]

Writes the contract CSVs (plus customs_offices.csv and ports.csv) into DIR
(default: this folder). The planted stories and the deliberately bad rows at
the end of some files are described in README.md. Same seed => same bytes.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import unicodedata
from pathlib import Path
from random import Random
from zoneinfo import ZoneInfo

import airportsdata
from stdnum import iso6346
from stdnum.cn import uscc
from stdnum.vn import mst

SEED = 20170319
HERE = Path(__file__).resolve().parent
DEFAULT_HS = HERE.parent / 'graph' / 'data' / 'harmonized-system.csv'
FIRST_DAY, LAST_DAY = dt.date(2016, 6, 1), dt.date(2017, 9, 30)
UTC, DAY = dt.UTC, dt.timedelta(days=1)
N_CIVIL = 2220                      # P000001..P002220 civilians, crew follow
N_DECLARATIONS = 2200
N_CONTAINERS = 1600

# ---- planted keys (README.md documents them) -------------------------------
CIGAR_PAX = ['P000901', 'P000902', 'P000903', 'P000904']
CIGAR_HOUSEMATE = 'P000905'          # shares P000903's address, never travels
DECOY_10_DAYS, DECOY_MADRID, DECOY_FRA, DECOY_OCT = 'P000906', 'P000907', 'P000908', 'P000909'
CIGAR_PNR, CIGAR_OUT_PNR = 'QX7K2M', 'HT4R9B'
CIGAR_DAY = dt.date(2017, 3, 19)
VIET_TRAN, VIET_TRAN_SISTER = '0312345678', '0313579240'
VT_DIRECTOR, VT_REP = 'P001201', 'P001202'
KH_CONSIGNEE, KH_CONSIGNEE_2 = 'KH-00031587', 'KH-00052204'
TRANSIT_DECL, STORY_CONTAINER = '500100012345', 'WHSU5018375'
GLASS_CO = '0108564322'
ER_PAIR = ('P000417', 'P002211')  # "Nguyễn Văn Hùng" / "NGUYEN VAN HUNG"
CREW_ROUTE = ('VN601', 'VN600')      # SGN->BKK->SGN turnaround
CREW_DAYS = [dt.date(2017, m, d) for m, d in [(1, 6), (1, 20), (2, 3), (2, 24), (3, 10), (3, 31), (4, 14),
                                               (5, 5), (5, 26), (6, 16), (7, 7), (7, 28), (8, 11)]]
RESERVED = set(CIGAR_PAX) | {CIGAR_HOUSEMATE, DECOY_10_DAYS, DECOY_MADRID, DECOY_FRA, DECOY_OCT}

# ---- names, addresses, phones ----------------------------------------------
VN_SUR = 'Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý'.split()
VN_SUR_W = [38, 11, 9, 7, 5, 4, 4, 4, 4, 2, 2, 2, 2, 2, 1, 1]
VN_MID = {'M': 'Văn Hữu Đức Minh Quốc Thanh Xuân Công Đình Quang Trọng Văn'.split(),
          'F': 'Thị Ngọc Thu Thanh Kim Minh Hồng Mỹ Phương Thị Thị'.split()}
VN_GIVEN = {'M': ('Hùng Dũng Tuấn Anh Hải Long Nam Sơn Bình Cường Quang Thắng Đạt Khoa Huy Phúc Trung '
                  'Hiếu Tâm Lộc Toàn Vinh Khánh Thành Tùng Hoàng Việt Bảo Duy Kiên').split(),
             'F': ('Lan Hương Hà Linh Trang Phương Thảo Vy Nhung Yến Mai Hạnh Ngân Trâm Hằng Dung Loan Nga '
                   'Oanh Thủy Uyên Châu Giang Hiền Ánh Diễm Quyên Tuyết My Nhi').split()}
FIRST = {  # (male, female) given names
    'ES': ('José Carlos Luis Jorge Alejandro Yoel Yunior Osmany Raúl Ernesto Miguel Pedro'.split(),
           'María Yamilé Yudith Lisandra Ana Carmen Daniela Yanet Laura Isabel'.split()),
    'FR': ('Jean Pierre Nicolas Julien Thomas Antoine Mathieu François Laurent Olivier'.split(),
           'Marie Sophie Camille Julie Isabelle Claire Céline Nathalie Émilie Hélène'.split()),
    'TH': ('Somchai Somsak Anan Niran Prasert Wichai Kittisak Chatchai'.split(),
           'Siriporn Malee Nattaya Pimchanok Suda Kanya Apinya Ratana'.split()),
    'TR': ('Mehmet Ahmet Mustafa Emre Burak Murat'.split(), 'Ayşe Fatma Elif Zeynep Merve Esra'.split()),
    'RU': ('Ivan Dmitry Sergey Alexei Andrei Mikhail'.split(), 'Olga Elena Anna Natalia Irina Tatiana'.split()),
}
SUR = {'ES': ('González Rodríguez Pérez Hernández García Fernández López Martínez Díaz Sánchez Álvarez '
              'Romero Suárez Castillo Morales Ruiz').split(),
       'FR': 'Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Lefèvre Girard Rousseau Mercier'.split(),
       'TH': 'Saetang Srisuk Wongsawat Chaiyaporn Rattanakul Boonmee Sukprasert Thongchai Jaidee'.split(),
       'TR': 'Yılmaz Kaya Demir Şahin Çelik Öztürk Aydın'.split(),
       'RU': 'Ivanov Petrov Smirnov Volkov Kuznetsov Sokolov Popov Lebedev'.split(),
       'CN': 'Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Lin Guo'.split(),
       'KR': 'Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim'.split(),
       'KH': 'Sok Chan Chea Heng Ly Meas Nhem Seng Touch Vann Keo Prak'.split()}
GIVEN = {'CN': ('Wei Fang Na Min Jing Lei Qiang Jun Yang Yong Yan Jie Tao Ming Chao Xiuying Xiaoming '
                'Jianguo Haiyan Zhiwei Lihua').split(),
         'KR': 'Min-jun Seo-yeon Ji-hoon Ji-woo Hyun-woo Su-bin Do-yun Ha-eun Jae-sung Eun-ji Sung-min Young-ho'.split(),
         'KH': 'Dara Sophea Vannak Sokha Chanthy Rithy Sreymom Bopha Piseth Vuthy Sophal Kosal Channary Sothea'.split()}
NAME_STYLE = {'VN': 'VN', 'CU': 'ES', 'ES': 'ES', 'FR': 'FR', 'TH': 'TH', 'TR': 'TR', 'RU': 'RU', 'KR': 'KR',
              'KH': 'KH', 'CN': 'CN', 'SG': 'CN', 'MY': 'CN', 'HK': 'CN', 'TW': 'CN'}
ALPHA3 = {'VN': 'VNM', 'FR': 'FRA', 'KR': 'KOR', 'CN': 'CHN', 'CU': 'CUB'}  # a few records use alpha-3
CIVIL_NATS = {'VN': 72, 'CN': 6, 'KR': 5, 'FR': 4, 'CU': 3, 'TH': 3, 'KH': 3, 'ES': 2}
# pattern mini-language: '#' digit, '@' capital letter, '{abc}' one of, anything else literal
PASSPORT = {'VN': '{BC}#######', 'CN': 'E########', 'KR': 'M########', 'FR': '##@@#####', 'CU': '{IJK}######',
            'ES': '@@@######', 'KH': 'N#######', 'TH': '@@#######', 'SG': 'E#######@', 'MY': 'A########',
            'HK': 'K########', 'TW': '3########', 'TR': 'U########', 'RU': '7########', 'ZZ': '##@@#####'}
PHONE = {'VN': ['+849{0134678}#######', '+848{68}#######'], 'CN': ['+861{38}#########'],
         'KR': ['+8210{234678}#######'], 'FR': ['+336{124578}#######'], 'CU': ['+535#######'], 'ES': ['+346########'],
         'KH': ['+8551{0267}######'], 'TH': ['+66{89}########']}
COMPANY_PHONE = {'HK': '+8522#######', 'JP': '+813{3456}#######', 'TW': '+8867{2345678}######', 'SG': '+656#######',
                 'MY': '+60331######', 'US': '+1{27}13{2345678}######', 'DE': '+4940########', 'LA': '+85621######',
                 'NL': '+3110#######', 'AU': '+612{89}#######', 'ID': '+6221{456}#######', 'NG': '+234803#######'}
MAIL = {'VN': 'gmail.com gmail.com yahoo.com yahoo.com.vn hotmail.com'.split(), 'FR': 'orange.fr gmail.com free.fr'.split(),
        'CU': ['nauta.cu', 'gmail.com'], 'CN': ['163.com', 'qq.com'], 'KR': ['naver.com'], 'KH': ['gmail.com'],
        'TH': ['hotmail.com'], 'ES': ['gmail.com']}
VN_CITIES = {  # city: (weight, districts, streets)
    'TP. Hồ Chí Minh': (40, 'Quận 1|Quận 3|Quận 5|Quận 7|Quận 10|Quận Bình Thạnh|Quận Phú Nhuận|Quận Tân Bình|Quận Gò Vấp|Quận 2',
                        'Nguyễn Huệ|Lê Lợi|Hai Bà Trưng|Điện Biên Phủ|Cách Mạng Tháng Tám|Nguyễn Thị Minh Khai|Võ Văn Tần|'
                        'Lê Văn Sỹ|Nguyễn Văn Trỗi|Trần Hưng Đạo|Phan Xích Long|Nguyễn Đình Chiểu|Cộng Hòa|Nguyễn Văn Linh'),
    'Hà Nội': (30, 'Quận Hoàn Kiếm|Quận Ba Đình|Quận Đống Đa|Quận Cầu Giấy|Quận Hai Bà Trưng|Quận Tây Hồ|Quận Thanh Xuân|Quận Long Biên',
               'Láng Hạ|Kim Mã|Hoàng Quốc Việt|Trần Duy Hưng|Phố Huế|Hàng Bài|Lý Thường Kiệt|Nguyễn Chí Thanh|Xuân Thủy|Giải Phóng|Đội Cấn|Bà Triệu'),
    'Hải Phòng': (9, 'Quận Ngô Quyền|Quận Lê Chân|Quận Hồng Bàng|Quận Hải An', 'Lạch Tray|Lê Hồng Phong|Trần Phú|Văn Cao|Đà Nẵng'),
    'Đà Nẵng': (7, 'Quận Hải Châu|Quận Sơn Trà|Quận Thanh Khê', 'Bạch Đằng|Nguyễn Văn Linh|Lê Duẩn|Trần Phú|Hùng Vương'),
    'Bình Dương': (6, 'Thị xã Dĩ An|Thị xã Thuận An|TP. Thủ Dầu Một', 'Đại lộ Bình Dương|ĐT743|Nguyễn An Ninh'),
    'Đồng Nai': (5, 'TP. Biên Hòa|Huyện Nhơn Trạch', 'Phạm Văn Thuận|Đồng Khởi|Quốc lộ 51'),
    'Bắc Ninh': (3, 'TP. Bắc Ninh|Huyện Yên Phong', 'Lý Thái Tổ|Ngô Gia Tự|Trần Hưng Đạo'),
}
VN_TAX_PREFIX = {'TP. Hồ Chí Minh': '03', 'Hà Nội': '01', 'Hải Phòng': '02', 'Đà Nẵng': '04', 'Bình Dương': '37',
                 'Đồng Nai': '36', 'Bắc Ninh': '23'}
VN_LANDLINE = {'TP. Hồ Chí Minh': '+8428{36}#######', 'Hà Nội': '+8424{36}#######', 'Hải Phòng': '+84225{38}######',
               'Đà Nẵng': '+84236{38}######', 'Bình Dương': '+84274{38}######', 'Đồng Nai': '+84251{38}######',
               'Bắc Ninh': '+84222{38}######'}
FOREIGN_ADDR = {  # country: (city list, street template)
    'FR': (['75011 Paris', '75013 Paris', '69003 Lyon', '93200 Saint-Denis', '94200 Ivry-sur-Seine'], '{n} rue {s}, {c}, France',
           ['de la République', 'Victor Hugo', 'de Belleville', 'Lafayette', 'Oberkampf', 'de Tolbiac']),
    'CU': (['Vedado, La Habana', 'Miramar, La Habana', 'Centro Habana, La Habana', 'Varadero, Matanzas'], 'Calle {s} No. {n}, {c}, Cuba',
           ['23', '17', 'Línea', 'San Lázaro', 'Neptuno', '1ra']),
    'ES': (['28012 Madrid', '28045 Madrid', '08015 Barcelona', '46001 Valencia'], 'Calle de {s} {n}, {c}, España',
           ['Alcalá', 'Atocha', 'Toledo', 'Embajadores', 'Bravo Murillo']),
    'CN': (['Tianhe District, Guangzhou', 'Futian District, Shenzhen', 'Pudong, Shanghai', 'Chaoyang District, Beijing', 'Qingxiu District, Nanning'],
           'No. {n} {s} Road, {c}, China', ['Zhongshan', 'Renmin', 'Jiefang', 'Huanshi', 'Shennan', 'Minzu']),
    'KR': (['Gangnam-gu, Seoul', 'Mapo-gu, Seoul', 'Haeundae-gu, Busan', 'Ansan, Gyeonggi-do'], '{n} {s}-ro, {c}, Korea',
           ['Teheran', 'Sejong-daero', 'World Cup buk', 'Jungang']),
    'KH': (['Sangkat Tuol Tumpung II, Khan Chamkar Mon', 'Sangkat Boeung Keng Kang I, Khan Chamkar Mon', 'Sangkat Phsar Thmei III, Khan Daun Penh',
            'Sangkat Tuol Sangke, Khan Russey Keo', 'Sangkat Chbar Ampov II, Khan Chbar Ampov'], 'No. {n}, Street {s}, {c}, Phnom Penh, Cambodia',
           ['271', '63', '128', '598', '2004', '110', '51']),
    'TH': (['Khlong Toei, Bangkok 10110', 'Bang Rak, Bangkok 10500', 'Samut Prakan 10270'], '{n} {s}, {c}, Thailand',
           ['Soi Sukhumvit 22', 'Silom Road', 'Rama IV Road', 'Bangna-Trad Road']),
}
COUNTRY_NAME = {'CN': 'China', 'HK': 'Hong Kong', 'KH': 'Cambodia', 'TH': 'Thailand', 'KR': 'Korea', 'JP': 'Japan',
                'TW': 'Taiwan', 'SG': 'Singapore', 'MY': 'Malaysia', 'US': 'USA', 'DE': 'Germany', 'FR': 'France',
                'LA': 'Laos', 'CU': 'Cuba', 'ES': 'Spain', 'NL': 'Netherlands', 'AU': 'Australia', 'ID': 'Indonesia', 'NG': 'Nigeria'}

# ---- flights ---------------------------------------------------------------
VN_AIRPORTS = ('HAN', 'SGN', 'DAD', 'CXR', 'PQC')
ROUTES = {  # flight_no: (from, to, local departure, minutes). PNH/REP are not in airportsdata any more.
    'VN241': ('HAN', 'SGN', '08:00', 125), 'VN254': ('SGN', 'HAN', '19:00', 125), 'VN155': ('HAN', 'DAD', '07:30', 80),
    'VN156': ('DAD', 'HAN', '10:00', 80), 'VN1827': ('HAN', 'PQC', '12:25', 125), 'VN1828': ('PQC', 'HAN', '15:30', 125),
    'VN1557': ('HAN', 'CXR', '09:10', 110), 'VN1556': ('CXR', 'HAN', '12:00', 110), 'VN1821': ('SGN', 'PQC', '08:15', 60),
    'VN1822': ('PQC', 'SGN', '09:50', 60), 'VJ121': ('SGN', 'HAN', '06:00', 125), 'VJ122': ('HAN', 'SGN', '09:00', 125),
    'VJ631': ('SGN', 'DAD', '07:15', 80), 'VJ630': ('DAD', 'SGN', '09:30', 80), 'QH201': ('HAN', 'SGN', '07:30', 125),
    'QH202': ('SGN', 'HAN', '10:30', 125),
    'VN601': ('SGN', 'BKK', '10:40', 90), 'VN600': ('BKK', 'SGN', '13:40', 90), 'TG556': ('BKK', 'SGN', '10:40', 85),
    'TG557': ('SGN', 'BKK', '12:50', 90), 'TG560': ('BKK', 'HAN', '09:40', 110), 'TG561': ('HAN', 'BKK', '12:30', 115),
    'SQ176': ('SIN', 'SGN', '09:20', 115), 'SQ186': ('SGN', 'SIN', '12:20', 115), 'MH750': ('KUL', 'SGN', '09:10', 115),
    'MH751': ('SGN', 'KUL', '12:10', 110), 'VN416': ('HAN', 'ICN', '23:55', 270), 'VN417': ('ICN', 'HAN', '10:30', 300),
    'KE683': ('ICN', 'SGN', '18:30', 330), 'KE684': ('SGN', 'ICN', '23:40', 300), 'VN310': ('HAN', 'NRT', '00:30', 330),
    'VN311': ('NRT', 'HAN', '09:30', 360), 'CX767': ('HKG', 'SGN', '09:30', 160), 'CX766': ('SGN', 'HKG', '12:10', 155),
    'CI783': ('TPE', 'SGN', '08:10', 205), 'CI782': ('SGN', 'TPE', '11:30', 190), 'CZ3077': ('CAN', 'SGN', '08:30', 165),
    'CZ3078': ('SGN', 'CAN', '12:30', 160), 'CZ3041': ('CAN', 'HAN', '10:00', 115), 'CZ3042': ('HAN', 'CAN', '13:00', 110),
    'CA909': ('PEK', 'HAN', '13:55', 260), 'CA910': ('HAN', 'PEK', '19:30', 245), 'VN530': ('HAN', 'PVG', '01:10', 255),
    'VN531': ('PVG', 'HAN', '09:00', 280), 'VN920': ('HAN', 'VTE', '17:05', 70), 'VN921': ('VTE', 'HAN', '19:10', 70),
    'VN19': ('HAN', 'CDG', '23:30', 790), 'VN18': ('CDG', 'HAN', '00:05', 665), 'VN11': ('SGN', 'CDG', '23:10', 800),
    'VN10': ('CDG', 'SGN', '13:15', 720), 'VN37': ('HAN', 'FRA', '23:55', 780), 'VN36': ('FRA', 'HAN', '13:30', 660),
    'VN31': ('SGN', 'FRA', '23:30', 790), 'VN30': ('FRA', 'SGN', '13:50', 690), 'VN55': ('HAN', 'LHR', '00:25', 800),
    'VN54': ('LHR', 'HAN', '11:40', 690), 'SU291': ('HAN', 'SVO', '10:20', 600), 'SU290': ('SVO', 'HAN', '19:55', 570),
    'SU150': ('SVO', 'HAV', '19:45', 790), 'SU151': ('HAV', 'SVO', '17:00', 715), 'AF3': ('HAV', 'CDG', '21:40', 565),
    'AF4': ('CDG', 'HAV', '10:35', 645), 'IB6620': ('MAD', 'HAV', '16:15', 600), 'IB6621': ('HAV', 'MAD', '20:00', 560),
    'QR970': ('DOH', 'SGN', '01:50', 465), 'QR971': ('SGN', 'DOH', '20:00', 480), 'QR976': ('DOH', 'HAN', '02:20', 450),
    'QR977': ('HAN', 'DOH', '20:55', 430), 'QR39': ('DOH', 'CDG', '07:55', 420), 'QR40': ('CDG', 'DOH', '15:00', 390),
    'QR148': ('MAD', 'DOH', '15:45', 390), 'QR147': ('DOH', 'MAD', '08:00', 450), 'EK392': ('DXB', 'SGN', '03:20', 420),
    'EK393': ('SGN', 'DXB', '23:55', 430), 'EK73': ('DXB', 'CDG', '08:00', 420), 'EK74': ('CDG', 'DXB', '15:45', 405),
    'TK164': ('IST', 'HAN', '01:50', 540), 'TK165': ('HAN', 'IST', '21:30', 650), 'TK1823': ('IST', 'CDG', '07:40', 225),
    'TK1824': ('CDG', 'IST', '11:30', 210), 'LH1028': ('FRA', 'CDG', '15:00', 75), 'LH1029': ('CDG', 'FRA', '17:10', 75),
    'KL1227': ('AMS', 'CDG', '16:50', 75), 'KL1228': ('CDG', 'AMS', '18:45', 75), 'BA308': ('LHR', 'CDG', '17:25', 75),
    'BA309': ('CDG', 'LHR', '19:35', 75), 'IB3406': ('MAD', 'CDG', '16:00', 120), 'IB3407': ('CDG', 'MAD', '18:40', 125),
}
# (outbound legs from Vietnam, return legs, weight, nationalities); foreigners fly the return legs first
ITINS = [(('VN241',), ('VN254',), 10, 'VN'), (('VJ121',), ('VJ122',), 10, 'VN'), (('QH201',), ('QH202',), 5, 'VN'),
         (('VN155',), ('VN156',), 5, 'VN'), (('VJ631',), ('VJ630',), 4, 'VN'), (('VN1827',), ('VN1828',), 4, 'VN'),
         (('VN1821',), ('VN1822',), 4, 'VN'), (('VN1557',), ('VN1556',), 3, 'VN'),
         (('VN601',), ('VN600',), 5, 'VN TH'), (('TG557',), ('TG556',), 4, 'VN TH KH'), (('TG561',), ('TG560',), 3, 'VN TH KH'),
         (('SQ186',), ('SQ176',), 3, 'VN'), (('MH751',), ('MH750',), 3, 'VN'), (('VN416',), ('VN417',), 4, 'VN KR'),
         (('KE684',), ('KE683',), 4, 'VN KR'), (('VN310',), ('VN311',), 3, 'VN'), (('CX766',), ('CX767',), 3, 'VN CN'),
         (('CI782',), ('CI783',), 2, 'VN CN'), (('CZ3078',), ('CZ3077',), 3, 'VN CN'), (('CZ3042',), ('CZ3041',), 3, 'VN CN'),
         (('CA910',), ('CA909',), 2, 'VN CN'), (('VN530',), ('VN531',), 2, 'VN CN'), (('VN920',), ('VN921',), 2, 'VN'),
         (('VN19',), ('VN18',), 4, 'VN FR'), (('VN11',), ('VN10',), 3, 'VN FR'), (('VN37',), ('VN36',), 2, 'VN'),
         (('VN31',), ('VN30',), 2, 'VN'), (('VN55',), ('VN54',), 2, 'VN'), (('SU291',), ('SU290',), 1, 'VN'),
         (('QR971', 'QR39'), ('QR40', 'QR970'), 2, 'VN FR'), (('QR977', 'QR147'), ('QR148', 'QR976'), 2, 'VN ES'),
         (('EK393', 'EK73'), ('EK74', 'EK392'), 2, 'VN FR'), (('TK165', 'TK1823'), ('TK1824', 'TK164'), 1, 'VN FR'),
         (('VN19', 'AF4'), ('AF3', 'VN18'), 2, 'VN CU'), (('SU291', 'SU150'), ('SU151', 'SU290'), 2, 'VN CU'),
         (('QR977', 'QR147', 'IB6620'), ('IB6621', 'QR148', 'QR976'), 1, 'CU ES'),
         (('VN19', 'LH1029'), ('LH1028', 'VN18'), 1, 'VN'), (('VN19', 'KL1228'), ('KL1227', 'VN18'), 1, 'VN FR'),
         (('VN19', 'BA309'), ('BA308', 'VN18'), 1, 'VN'), (('VN19', 'IB3407'), ('IB3406', 'VN18'), 1, 'ES')]
TURNAROUND = {'VN600': 'VN601', 'TG557': 'TG556', 'VN156': 'VN155', 'VN1822': 'VN1821', 'VJ122': 'VJ121',
              'QH202': 'QH201', 'VN1828': 'VN1827', 'VN1556': 'VN1557', 'VN921': 'VN920', 'MH751': 'MH750',
              'SQ186': 'SQ176', 'CX766': 'CX767', 'CI782': 'CI783', 'CZ3078': 'CZ3077', 'CZ3042': 'CZ3041'}
CREW_POOLS = {'VN': ('VN', 100), 'VJ': ('VN', 24), 'QH': ('VN', 12), 'TG': ('TH', 12), 'SQ': ('SG', 12), 'MH': ('MY', 12),
              'KE': ('KR', 12), 'CX': ('HK', 12), 'CI': ('TW', 12), 'CZ': ('CN', 12), 'CA': ('CN', 12), 'QR': ('*', 12),
              'EK': ('*', 12), 'TK': ('TR', 12), 'SU': ('RU', 12)}  # '*': multinational cabin crew
MIN_CONN, MAX_CONN = dt.timedelta(minutes=60), dt.timedelta(hours=20)

# ---- trade -----------------------------------------------------------------
OFFICES = [  # code, name, province, mode, Vietnamese port
    ('02CI', 'Chi cục Hải quan cửa khẩu cảng Sài Gòn khu vực 1', 'TP. Hồ Chí Minh', 'sea', 'VNCLI'),
    ('02CX', 'Chi cục Hải quan cửa khẩu cảng Sài Gòn khu vực 3', 'TP. Hồ Chí Minh', 'sea', 'VNSGN'),
    ('02B1', 'Chi cục Hải quan cửa khẩu sân bay quốc tế Tân Sơn Nhất', 'TP. Hồ Chí Minh', 'air', 'VNSGN'),
    ('01B1', 'Chi cục Hải quan cửa khẩu sân bay quốc tế Nội Bài', 'Hà Nội', 'air', 'VNHAN'),
    ('03CE', 'Chi cục Hải quan cửa khẩu cảng Hải Phòng khu vực 1', 'Hải Phòng', 'sea', 'VNHPH'),
    ('03EE', 'Chi cục Hải quan cửa khẩu cảng Đình Vũ', 'Hải Phòng', 'sea', 'VNHPH'),
    ('34CE', 'Chi cục Hải quan cửa khẩu cảng Đà Nẵng', 'Đà Nẵng', 'sea', 'VNDAD'),
    ('43IH', 'Chi cục Hải quan Sóng Thần', 'Bình Dương', 'sea', 'VNCLI'),
    ('47NB', 'Chi cục Hải quan Biên Hòa', 'Đồng Nai', 'sea', 'VNCLI'),
    ('51CB', 'Chi cục Hải quan cửa khẩu cảng Cái Mép', 'Bà Rịa - Vũng Tàu', 'sea', 'VNCMT'),
    ('18A1', 'Chi cục Hải quan Bắc Ninh', 'Bắc Ninh', 'sea', 'VNHPH'),
]
OFFICES_BY_CITY = {'TP. Hồ Chí Minh': ('02CI 02CI 02CI 02CX 51CB', '02B1'), 'Hà Nội': ('03CE 03EE', '01B1'),
                   'Hải Phòng': ('03CE 03EE', '01B1'), 'Đà Nẵng': ('34CE', '02B1'), 'Bình Dương': ('43IH 02CI 51CB', '02B1'),
                   'Đồng Nai': ('47NB 02CI', '02B1'), 'Bắc Ninh': ('18A1 03CE', '01B1')}
PORTS = {'VNCLI': 'Cát Lái', 'VNSGN': 'Hồ Chí Minh', 'VNHPH': 'Hải Phòng', 'VNDAD': 'Đà Nẵng', 'VNCMT': 'Cái Mép',
         'VNHAN': 'Hà Nội', 'KHPNH': 'Phnom Penh', 'KHKOS': 'Sihanoukville', 'CNSHA': 'Shanghai', 'CNSZX': 'Shenzhen',
         'CNYTN': 'Yantian', 'CNNGB': 'Ningbo', 'CNNSA': 'Nansha', 'CNXMN': 'Xiamen', 'CNCAN': 'Guangzhou',
         'HKHKG': 'Hong Kong', 'SGSIN': 'Singapore', 'MYPKG': 'Port Klang', 'MYKUL': 'Kuala Lumpur', 'THLCH': 'Laem Chabang',
         'THBKK': 'Bangkok', 'KRPUS': 'Busan', 'KRSEL': 'Seoul', 'JPTYO': 'Tokyo', 'JPYOK': 'Yokohama',
         'TWKHH': 'Kaohsiung', 'TWTPE': 'Taipei', 'USLAX': 'Los Angeles', 'USLGB': 'Long Beach', 'DEHAM': 'Hamburg',
         'DEFRA': 'Frankfurt am Main', 'NLRTM': 'Rotterdam', 'FRLEH': 'Le Havre', 'FRPAR': 'Paris', 'ESVLC': 'Valencia',
         'AUSYD': 'Sydney', 'IDJKT': 'Jakarta', 'CUMAR': 'Mariel', 'NGAPP': 'Apapa', 'LAVTE': 'Vientiane'}
SEA_PORTS = {'CN': 'CNSHA CNSZX CNYTN CNNGB CNNSA CNXMN', 'HK': 'HKHKG', 'SG': 'SGSIN', 'MY': 'MYPKG', 'TH': 'THLCH',
             'KR': 'KRPUS', 'JP': 'JPTYO JPYOK', 'TW': 'TWKHH', 'US': 'USLAX USLGB', 'DE': 'DEHAM', 'NL': 'NLRTM',
             'FR': 'FRLEH', 'ES': 'ESVLC', 'KH': 'KHPNH KHKOS', 'AU': 'AUSYD', 'ID': 'IDJKT', 'CU': 'CUMAR', 'NG': 'NGAPP',
             'LA': 'LAVTE'}
AIR_PORTS = {'CN': 'CNSHA CNCAN', 'HK': 'HKHKG', 'KR': 'KRSEL', 'JP': 'JPTYO', 'SG': 'SGSIN', 'TW': 'TWTPE',
             'US': 'USLAX', 'DE': 'DEFRA', 'FR': 'FRPAR', 'TH': 'THBKK', 'MY': 'MYKUL'}
# category: (items [(hs8, description, unit, qty range, USD/unit range)], flow, import from, export to, air share)
CATS = {
    'electronics': ([('85171300', 'Điện thoại di động thông minh, mới 100%', 'PCE', (200, 3000), (80, 350)),
                     ('84713020', 'Máy tính xách tay, mới 100%', 'PCE', (50, 800), (250, 900)),
                     ('85176249', 'Thiết bị phát wifi (router), mới 100%', 'PCE', (100, 2000), (15, 60)),
                     ('85183010', 'Tai nghe có dây, mới 100%', 'PCE', (500, 10000), (2, 15)),
                     ('85423100', 'Vi mạch tích hợp (IC) dùng cho bo mạch điện thoại', 'PCE', (10000, 300000), (0.05, 2))],
                    'both', 'CN KR JP TW', 'US KR DE JP', 0.5),
    'garments': ([('61091010', 'Áo thun nam 100% cotton, mới 100%', 'PCE', (1000, 20000), (1.5, 5)),
                  ('62034290', 'Quần dài nam vải denim, mới 100%', 'PCE', (500, 10000), (4, 12)),
                  ('62046290', 'Quần nữ vải cotton, mới 100%', 'PCE', (500, 10000), (3, 9)),
                  ('61102000', 'Áo len cotton, mới 100%', 'PCE', (500, 8000), (4, 10))], 'both', 'CN HK', 'US JP DE FR KR', 0.1),
    'footwear': ([('64041900', 'Giày thể thao mũ vải, đế cao su', 'PR', (500, 10000), (3, 12)),
                  ('64039990', 'Giày da nam, đế cao su', 'PR', (200, 3000), (10, 35))], 'exp', 'CN', 'US DE FR JP', 0.05),
    'bags': ([('42022200', 'Túi xách tay mặt ngoài bằng vải', 'PCE', (500, 8000), (2, 8)),
              ('42022100', 'Túi xách tay bằng da thuộc', 'PCE', (100, 2000), (15, 60)),
              ('42029290', 'Ba lô bằng vải dệt', 'PCE', (300, 5000), (3, 12))], 'both', 'CN', 'US JP DE', 0.05),
    'steel': ([('72083990', 'Thép cán nóng dạng cuộn, dày dưới 3mm', 'KGM', (50000, 500000), (0.4, 0.6)),
               ('72085190', 'Thép tấm cán nóng, dày trên 10mm', 'KGM', (20000, 200000), (0.45, 0.7))], 'imp', 'CN JP KR TW', '', 0),
    'furniture': ([('94036090', 'Bàn ghế bằng gỗ cao su', 'PCE', (50, 2000), (20, 150)),
                   ('94033000', 'Tủ văn phòng bằng gỗ', 'PCE', (50, 800), (40, 180))], 'exp', '', 'US JP FR DE AU', 0),
    'seafood': ([('03038990', 'Cá nục đông lạnh nguyên con', 'KGM', (5000, 25000), (1.5, 4)),
                 ('03048700', 'Phi lê cá ngừ đông lạnh', 'KGM', (3000, 20000), (3, 9)),
                 ('03061719', 'Tôm thẻ chân trắng đông lạnh', 'KGM', (3000, 20000), (6, 12))], 'exp', '', 'US JP KR CN NL', 0.1),
    'fruit': ([('08109010', 'Thanh long tươi', 'KGM', (5000, 20000), (0.6, 1.5)),
               ('08106000', 'Sầu riêng tươi', 'KGM', (3000, 15000), (2, 4))], 'exp', '', 'CN TH NL KR', 0),
    'cigars': ([('24021000', 'Xì gà có chứa lá thuốc lá, hộp 25 điếu', 'PCE', (1000, 20000), (3, 15))], 'imp', 'CU', '', 0.3),
    'machinery': ([('84798939', 'Máy ép thủy lực dùng trong công nghiệp, mới 100%', 'SET', (1, 20), (5000, 80000)),
                   ('84151010', 'Máy điều hòa không khí loại treo tường', 'SET', (50, 500), (200, 600))], 'imp', 'CN JP KR DE', '', 0.1),
    'plastics': ([('39231090', 'Hộp nhựa đựng hàng', 'PCE', (10000, 200000), (0.05, 0.4)),
                  ('39232119', 'Túi nhựa PE', 'KGM', (2000, 20000), (1.2, 2)),
                  ('39269099', 'Sản phẩm bằng nhựa khác (kẹp, móc)', 'PCE', (5000, 100000), (0.02, 0.3))], 'both', 'CN TH KR', 'JP US', 0),
    'tiles': ([('69072193', 'Gạch ốp lát ceramic tráng men 60x60cm', 'MTK', (1000, 20000), (4, 9)),
               ('69072294', 'Gạch ốp lát porcelain 80x80cm', 'MTK', (1000, 15000), (6, 12))], 'both', 'CN ES', 'KH AU', 0),
    'rice': ([('10063099', 'Gạo trắng hạt dài 5% tấm', 'KGM', (100000, 1000000), (0.38, 0.5))], 'exp', '', 'CU ID MY CN', 0),
    'cosmetics': ([('33049930', 'Kem dưỡng da', 'PCE', (500, 5000), (2, 20)),
                   ('33041000', 'Son môi', 'PCE', (500, 5000), (1.5, 10))], 'imp', 'KR FR JP TH', '', 0.6),
    'toys': ([('95030099', 'Đồ chơi trẻ em bằng nhựa', 'PCE', (1000, 20000), (0.5, 4))], 'imp', 'CN', '', 0),
    'autoparts': ([('87089999', 'Phụ tùng xe ô tô (má phanh, lọc gió)', 'PCE', (200, 5000), (2, 30)),
                   ('40111000', 'Lốp xe ô tô con, mới 100%', 'PCE', (100, 2000), (25, 70))], 'imp', 'CN JP KR TH', '', 0),
}
CAT_WEIGHTS = [14, 16, 10, 7, 8, 10, 12, 8, 1, 9, 8, 6, 4, 7, 4, 6]  # companies per category, in CATS order
GLASS = [('70051090', 'Kính nổi không màu, không cốt lưới, dày 5mm, KT 2134x3300mm', 'MTK'),
         ('70052990', 'Kính nổi không màu, dày 8mm, KT 2440x3660mm', 'MTK')]
CAT_WORD = {'electronics': 'Điện tử', 'garments': 'May mặc', 'footwear': 'Giày da', 'bags': 'Túi xách', 'steel': 'Thép',
            'furniture': 'Nội thất', 'seafood': 'Thủy sản', 'fruit': 'Nông sản', 'cigars': 'Thương mại Thuốc lá',
            'machinery': 'Máy móc Thiết bị', 'plastics': 'Nhựa', 'tiles': 'Gạch men', 'rice': 'Lương thực',
            'cosmetics': 'Mỹ phẩm', 'toys': 'Đồ chơi', 'autoparts': 'Phụ tùng Ô tô', 'glass': 'Kính Xây dựng',
            'logistics': 'Giao nhận Vận tải'}
VN_BRANDS = ('Hoàng Phát|Minh Long|Thành Đạt|An Phú|Phú Thịnh|Đại Việt|Sao Mai|Kim Ngân|Hưng Thịnh|Tân Phát|Việt Hưng|'
             'Phương Nam|Trường Sơn|Hải Âu|Nam Á|Thiên Long|Bảo Tín|Gia Huy|Hòa Bình|Thuận An|Vạn Lợi|Phúc Lộc|Tiến Đạt|'
             'Quang Minh|Hồng Hà|Mê Kông|Cửu Long|Bình Minh|Ánh Dương|Hà Thành|Trí Việt|Nhật Quang|Ngọc Lan|Hải Đăng|'
             'Đức Thành|Toàn Cầu|Liên Việt|Tâm An|Rạng Đông|Lạc Hồng|Văn Lang|Âu Lạc|Tràng An|Vĩnh Phát|Hưng Long|'
             'Phát Đạt|Lộc Phát|Đồng Tâm|Nam Việt|Hoa Sen|Trúc Xanh|Song Long|Kim Phát|Thái Sơn|Hùng Cường').split('|')
FOREIGN_COS = {  # country: (count, name prefixes, legal suffix, id pattern, cities)
    'CN': (28, 'Shenzhen|Guangzhou|Dongguan|Yiwu|Ningbo|Shanghai|Xiamen|Foshan|Nanning', 'Co., Ltd', None, ''),
    'HK': (10, 'Kowloon|Victoria|Harbour|Tsuen Wan', 'Limited', '#######', 'Kwun Tong, Kowloon|Sheung Wan'),
    'KH': (12, 'Angkor|Mekong|Bayon|Tonle Sap|Naga|Sokha', 'Co., Ltd', '000#####', ''),
    'TH': (7, 'Siam|Chao Phraya|Lanna|Krungthep', 'Co., Ltd', '0105#########', ''),
    'KR': (8, 'Hanil|Daesung|Seojin|Dongwoo|Samjin', 'Co., Ltd', '##########', ''),
    'JP': (6, 'Sanwa|Tokai|Daiichi|Kansai|Marufuku', 'Co., Ltd', '#############', 'Minato-ku, Tokyo|Naka-ku, Yokohama'),
    'TW': (5, 'Chun Yuan|Hsin Tai|Kaohsiung Hua', 'Enterprise Co., Ltd', '########', 'Qianzhen District, Kaohsiung'),
    'SG': (4, 'Straits|Marina|Lion City', 'Pte. Ltd.', '20#######@', 'Tanjong Pagar'),
    'MY': (4, 'Klang|Penang|Selangor', 'Sdn. Bhd.', '2010########', 'Port Klang, Selangor'),
    'US': (5, 'Pacific Coast|Golden Gate|Lone Star', 'Inc.', '#########', 'Los Angeles, CA|Houston, TX'),
    'DE': (3, 'Hanse|Rhein|Nordsee', 'GmbH', 'HRB######', '20457 Hamburg'), 'FR': (3, 'Seine|Provence|Atlantique', 'SAS', '#########', ''),
    'LA': (4, 'Lane Xang|Champa|Vientiane', 'Sole Co., Ltd', '##########', 'Vientiane'),
    'CU': (2, 'Habana|Caribe', 'S.A.', '#####', ''), 'ES': (2, 'Levante|Mediterráneo', 'S.L.', 'B########', ''),
    'NL': (2, 'Holland|Maas', 'B.V.', '########', 'Rotterdam'), 'AU': (2, 'Southern Cross|Coral', 'Pty Ltd', '#########', 'Sydney NSW'),
    'ID': (2, 'Nusantara|Jaya', 'PT', '##.###.###.#-###.###', 'Jakarta Utara'), 'NG': (1, 'Lagos Delta', 'Ltd', 'RC######', 'Apapa, Lagos'),
}
FOREIGN_WORDS = 'Golden|Pacific|Orient|Star|Global|Sun|Lotus|Dragon|Phoenix|Royal|Ocean|Eastern|Prime|Unity|Lucky'.split('|')
FOREIGN_KINDS = ['Trading', 'Import Export', 'Industrial', 'Logistics', 'Distribution']
CONTAINER_OWNERS = [('MSCU', 'MSC'), ('MEDU', 'MSC'), ('MAEU', 'Maersk'), ('MSKU', 'Maersk'), ('CMAU', 'CMA CGM'),
                    ('HLXU', 'Hapag-Lloyd'), ('OOLU', 'OOCL'), ('EGHU', 'Evergreen'), ('EMCU', 'Evergreen'),  # EGLV is a SCAC, not an ISO 6346 owner code

                    ('WHSU', 'Wan Hai Lines'), ('YMLU', 'Yang Ming'), ('TCLU', None), ('TGHU', None), ('SEGU', None)]
LESSEES = ['Wan Hai Lines', 'Yang Ming', 'MSC', 'CMA CGM', 'Evergreen', 'OOCL']  # leased boxes: operator is the lessee

COLUMNS = {
    'persons': 'person_id full_name date_of_birth nationality passport_no phone email address',
    'flights': 'flight_no departure_airport arrival_airport departure_time arrival_time',
    'travel': 'person_id flight_no departure_date role pnr seat checked_bags',
    'companies': 'company_id name country address phone email',
    'officers': 'person_id company_id role since',
    'containers': 'container_no size_type operator',
    'declarations': 'declaration_no type company_id consignee_id customs_office registered_date origin_country '
                    'destination_country port_of_loading port_of_discharge',
    'declaration_items': 'declaration_no line_no hs_code description quantity unit value_usd',
    'declaration_containers': 'declaration_no container_no',
    'seizures': 'seizure_id date location unit violation goods quantity value_usd brands description',
    'seizure_links': 'seizure_id ref role',
    'customs_offices': 'office_code name province',
    'ports': 'locode name country',
}
OFFICE_NAME = {o[0]: o[1] for o in OFFICES}
SEIZURE_CODE = {'03CE': 'HPH', '03EE': 'HPH', '02CI': 'CLI', '02CX': 'HPC', '51CB': 'CMT', '34CE': 'DAD', '01B1': 'HAN', '02B1': 'SGN'}
SEIZURE_PLACE = {'03CE': 'Cảng Hải Phòng', '03EE': 'Cảng Đình Vũ, Hải Phòng', '02CI': 'Cảng Cát Lái, TP. Hồ Chí Minh',
                 '02CX': 'Cảng Hiệp Phước, TP. Hồ Chí Minh', '51CB': 'Cảng Cái Mép, Bà Rịa - Vũng Tàu', '34CE': 'Cảng Tiên Sa, Đà Nẵng',
                 '01B1': 'Sân bay quốc tế Nội Bài, Hà Nội', '02B1': 'Sân bay quốc tế Tân Sơn Nhất, TP. Hồ Chí Minh'}
ANTI_SMUGGLING = 'Cục Điều tra chống buôn lậu'
PAX_SEIZURES = [  # arrival airport, origins, violation, goods, quantity, value_usd, brands, description
    ('SGN', 'DOH DXB', 'wildlife trafficking (CITES Appendix I)', 'rhinoceros horn', 6, 250000, '',
     '6 pieces of rhinoceros horn (12.4 kg) wrapped in foil in checked baggage.'),
    ('HAN', 'VTE', 'drug trafficking', 'heroin', 2, 60000, '', '2 blocks of heroin (0.7 kg) sewn into the lining of a suitcase.'),
    ('SGN', 'KUL', 'drug trafficking', 'methamphetamine', 1800, 90000, '', '1,800 g of crystal methamphetamine hidden in tea packets.'),
    ('HAN', 'ICN', 'undeclared foreign currency', 'cash (USD)', 85000, 85000, '', 'USD 85,000 in cash in hand luggage, not declared.'),
    ('SGN', 'HKG', 'undeclared goods / smuggling', 'gold jewellery', 3, 120000, '', '3 kg of gold jewellery worn and in hand luggage.'),
    ('HAN', 'CAN PEK', 'suspected counterfeit goods (IPR infringement)', 'watches', 42, 6300, 'Rolex;Omega;Patek Philippe',
     '42 suspected counterfeit wristwatches in checked baggage.'),
    ('SGN', 'ICN', 'undeclared goods / smuggling', 'prescription medicines', 600, 9000, '',
     '600 boxes of unregistered medicines (ginseng extracts, painkillers) for resale.'),
    ('SGN', 'TPE', 'prohibited goods', 'e-cigarettes', 350, 7000, '', '350 e-cigarette devices and refill liquids.'),
    ('HAN', 'BKK', 'wildlife trafficking (CITES Appendix II)', 'live tortoises', 140, 14000, '',
     '140 live Indian star tortoises packed in socks inside two suitcases.'),
    ('SGN', 'SIN', 'undeclared goods / smuggling', 'mobile phones', 24, 16800, 'Apple', '24 new mobile phones in hand luggage, not declared.'),
]
CARGO_SEIZURES = [  # office, type, origin, port of loading, declared line, unit, violation, goods, quantity, value_usd, brands, description
    ('03CE', 'import', 'NG', 'NGAPP', ('08013100', 'Hạt điều thô chưa bóc vỏ', 'KGM', 18000, 1.6), ANTI_SMUGGLING,
     'wildlife trafficking (CITES Appendix I)', 'elephant ivory', 2300, 1150000, '', '2.3 tonnes of elephant tusks hidden under bags of raw cashew nuts.'),
    ('02CI', 'import', 'NG', 'NGAPP', ('44079990', 'Gỗ xẻ các loại', 'KGM', 24000, 0.7), ANTI_SMUGGLING,
     'wildlife trafficking (CITES Appendix I)', 'pangolin scales', 3100, 930000, '', '3.1 tonnes of pangolin scales packed behind sawn timber.'),
    ('03EE', 'import', 'MY', 'MYPKG', ('39159000', 'Nhựa phế liệu dạng mảnh', 'KGM', 22000, 0.2), '',
     'undeclared goods / smuggling', 'cigarettes', 120000, 96000, 'Jet;Hero;Esse', '120,000 packs of cigarettes concealed behind bales of plastic scrap.'),
    ('34CE', 'transit', 'LA', 'LAVTE', ('44079990', 'Gỗ xẻ các loại', 'KGM', 25000, 0.8), ANTI_SMUGGLING,
     'wildlife trafficking (CITES Appendix II)', 'Siamese rosewood timber', 25000, 310000, '', 'Transit shipment of Siamese rosewood (Dalbergia cochinchinensis) declared as ordinary sawn timber.'),
    ('02CI', 'import', 'CN', 'CNNSA', ('33049930', 'Kem dưỡng da', 'PCE', 3000, 1.2), '',
     'suspected counterfeit goods (IPR infringement)', 'cosmetics', 14500, 21000, "L'Oréal;Maybelline;Innisfree", '14,500 suspected counterfeit cosmetics; 3,000 pieces declared.'),
    ('03CE', 'import', 'CN', 'CNNGB', ('40111000', 'Lốp xe ô tô con, mới 100%', 'PCE', 800, 30), '',
     'prohibited imports (waste)', 'used tyres', 4200, 12600, '', '4,200 used tyres declared as 800 new tyres.'),
    ('02CX', 'import', 'CN', 'CNSHA', ('87089999', 'Phụ tùng xe ô tô (má phanh, lọc gió)', 'PCE', 2000, 3), '',
     'suspected counterfeit goods (IPR infringement)', 'motorcycle parts', 9600, 38000, 'Honda;Yamaha', '9,600 suspected counterfeit motorcycle spare parts.'),
    ('51CB', 'import', 'HK', 'HKHKG', ('62034290', 'Quần dài nam vải denim, mới 100%', 'PCE', 3000, 4), '',
     'undeclared goods / smuggling', 'mobile phones', 1200, 180000, 'Xiaomi;Oppo', '1,200 mobile phones concealed behind cartons of trousers.'),
    ('03CE', 'import', 'ID', 'IDJKT', ('03038990', 'Cá nục đông lạnh nguyên con', 'KGM', 20000, 1.5), ANTI_SMUGGLING,
     'wildlife trafficking (CITES Appendix II)', 'dried shark fins', 860, 129000, '', '860 kg of dried shark fins under frozen fish.'),
    ('01B1', 'import', 'HK', 'HKHKG', ('21069099', 'Thực phẩm bảo vệ sức khỏe dạng viên', 'PCE', 2000, 3), '',
     'counterfeit medicines', 'tablets', 56000, 42000, 'Viagra;Cialis', '56,000 suspected counterfeit erectile-dysfunction tablets in air cargo.'),
    ('02B1', 'import', 'DE', 'DEFRA', ('85183010', 'Tai nghe có dây, mới 100%', 'PCE', 200, 3), ANTI_SMUGGLING,
     'drug trafficking', 'MDMA (ecstasy) tablets', 12000, 60000, '', '12,000 ecstasy tablets inside headphone boxes in air cargo.'),
    ('01B1', 'import', 'CN', 'CNCAN', ('42022200', 'Túi xách tay mặt ngoài bằng vải', 'PCE', 500, 2), '',
     'suspected counterfeit goods (IPR infringement)', 'handbags', 2600, 26000, 'Gucci;Prada;Dior', '2,600 suspected counterfeit handbags declared as plain fabric bags.'),
]


def pattern(r: Random, pat: str) -> str:
    out, i = [], 0
    while i < len(pat):
        c = pat[i]
        if c == '{':
            j = pat.index('}', i)
            out.append(r.choice(pat[i + 1:j]))
            i = j
        else:
            out.append(str(r.randrange(10)) if c == '#' else r.choice('ABCDEFGHJKLMNPRSTUVWXYZ') if c == '@' else c)
        i += 1
    return ''.join(out)


def ascii_fold(s: str) -> str:
    s = s.replace('đ', 'd').replace('Đ', 'D').replace('ı', 'i')
    return ''.join(c for c in unicodedata.normalize('NFD', s) if not unicodedata.combining(c))


class Gen:
    def __init__(self, seed: int, hs_path: Path):
        self.r = Random(seed)
        self.hs = self.load_hs(hs_path)
        self.airports = airportsdata.load('IATA')
        self.tz = {a: ZoneInfo(self.airports[a]['tz']) for a in sorted({x for v in ROUTES.values() for x in v[:2]})}
        self.persons, self.household, self.by_nat, self.used = {}, {}, {}, set()
        self.flights, self.travel, self.busy, self.seats, self.pnrs = {}, [], {}, {}, {CIGAR_PNR, CIGAR_OUT_PNR}
        self.crew_ids, self.crew_of = {}, {}
        self.companies, self.officers, self.containers = {}, [], {}
        self.decls, self.items, self.dcont, self.seizures, self.links = {}, [], [], [], []

    @staticmethod
    def load_hs(path: Path) -> set:
        with open(path, encoding='utf-8-sig', newline='') as f:
            codes = {row['hscode'] for row in csv.DictReader(f)}
        for hs8 in [i[0] for c in CATS.values() for i in c[0]] + [g[0] for g in GLASS]:
            assert all(hs8[:n] in codes for n in (2, 4, 6)), f'HS code {hs8} not in nomenclature'
        return codes

    def uniq(self, make):  # draw until unused, for ids and passports
        while (v := make()) in self.used:
            pass
        self.used.add(v)
        return v

    # ---- persons -----------------------------------------------------------
    def name(self, nat: str, sex: str):
        r, st = self.r, NAME_STYLE[nat]
        if st == 'VN':
            sur, giv = r.choices(VN_SUR, VN_SUR_W)[0], r.choice(VN_GIVEN[sex])
            return f'{sur} {r.choice(VN_MID[sex])} {giv}', giv, sur
        if st == 'ES':
            f, (s1, s2) = r.choice(FIRST['ES'][sex == 'F']), r.sample(SUR['ES'], 2)
            return f'{f} {s1} {s2}', f, s1
        if st in ('FR', 'TH', 'TR', 'RU'):
            f, s = r.choice(FIRST[st][sex == 'F']), r.choice(SUR[st])
            s += 'a' if st == 'RU' and sex == 'F' else ''
            return f'{f} {s}', f, s
        s, g = r.choice(SUR[st]), r.choice(GIVEN[st])
        return f'{s} {g}', g, s  # family name first

    def vn_address(self, city=None) -> str:
        r = self.r
        city = city or r.choices(list(VN_CITIES), [v[0] for v in VN_CITIES.values()])[0]
        _, districts, streets = VN_CITIES[city]
        district, street = r.choice(districts.split('|')), r.choice(streets.split('|'))
        ward = f'Phường {r.randint(1, 15)}, ' if city == 'TP. Hồ Chí Minh' and district[-1].isdigit() and r.random() < .6 else ''
        num = f'{r.randint(1, 350)}' + (f'/{r.randint(2, 40)}' if r.random() < .25 else '')
        return f'{num} {street}, {ward}{district}, {city}'

    def address(self, nat: str) -> str:
        if nat == 'VN':
            return self.vn_address()
        cities, tmpl, streets = FOREIGN_ADDR[nat]
        return tmpl.format(n=self.r.randint(2, 240), s=self.r.choice(streets), c=self.r.choice(cities))

    def make_person(self, pid, nat, sex=None, born=(1955, 1996), crew=False, family=None, **fixed):
        r = self.r
        sex = sex or r.choice('MF')
        full, giv, sur = self.name(nat, sex)
        if 'full_name' in fixed:
            full, giv, sur = fixed['full_name'], fixed['full_name'].split()[-1], fixed['full_name'].split()[0]
        elif family:  # children carry the head of household's family name
            full = ' '.join([family] + full.split(' ')[1:])
            sur = family
        dob = dt.date(r.randint(*born), 1, 1) + dt.timedelta(days=r.randrange(365))
        p = {'person_id': pid, 'full_name': full, 'date_of_birth': dob.isoformat(), 'nationality': nat,
             'passport_no': self.uniq(lambda: pattern(r, PASSPORT[nat])), 'phone': '', 'email': '', 'address': ''}
        if not crew or nat == 'VN':  # foreign crew are known only from manifests
            p['phone'] = self.uniq(lambda: pattern(r, r.choice(PHONE[nat])))
            p['address'] = self.address(nat)
            if r.random() < .8 and dob.year < 2006:
                first_given = r.random() < .6 and (giv, sur) != ('Việt', 'Trần')  # keep "viet tran" for the story firm
                local = ascii_fold(f'{giv}.{sur}' if first_given else f'{sur}{giv}').lower().replace(' ', '').replace('-', '')
                p['email'] = self.uniq(lambda: f'{local}{r.randint(1, 99) if r.random() < .7 else ""}@{r.choice(MAIL[nat])}')
        if r.random() < .015 and nat in ALPHA3:
            p['nationality'] = ALPHA3[nat]
        p.update(fixed)
        p['_nat'], p['_sex'] = nat, sex
        self.persons[pid] = p
        if not crew:
            self.by_nat.setdefault(nat, []).append(pid)
        return p

    def gen_persons(self):
        r = self.r
        fixed = {  # story people get fixed names so README can name them
            'P000901': ('Trần Văn Dũng', 'M', '1978-05-14'), 'P000902': ('Phạm Thị Thu Hà', 'F', '1981-09-02'),
            'P000903': ('Lê Minh Tuấn', 'M', '1985-11-23'), 'P000904': ('Đỗ Quang Huy', 'M', '1983-02-07'),
            'P000905': ('Lê Thị Mai', 'F', '1987-06-30'), VT_DIRECTOR: ('Huỳnh Văn Trấn', 'M', '1972-08-19'),
            VT_REP: ('Võ Thị Kim Loan', 'F', '1984-03-11'), ER_PAIR[0]: ('Nguyễn Văn Hùng', 'M', '1979-04-12')}
        special = set(fixed) | RESERVED
        i = 1
        while i <= N_CIVIL - 10:  # last 10 civilian ids are entity-resolution duplicates
            pid = f'P{i:06d}'
            if pid in special:
                nat = 'CU' if pid == DECOY_MADRID else 'VN'
                kw = dict(zip(('full_name', '_sex', 'date_of_birth'), fixed[pid], strict=True)) if pid in fixed else {}
                self.make_person(pid, nat, kw.pop('_sex', None), **kw)
                i += 1
                continue
            nat = r.choices(list(CIVIL_NATS), list(CIVIL_NATS.values()))[0]
            size = r.choice([2, 2, 3, 3, 4]) if r.random() < (.3 if nat == 'VN' else .12) else 1
            ids = [f'P{j:06d}' for j in range(i, i + size)]
            if size > 1 and (set(ids) & special or i + size - 1 > N_CIVIL - 10):
                ids, size = [pid], 1
            head = self.make_person(ids[0], nat, 'M' if size > 1 else None)
            for k, hid in enumerate(ids[1:]):  # spouse, then children with the head's family name
                if k == 0:
                    m = self.make_person(hid, nat, 'F', (int(head['date_of_birth'][:4]) - 2, 1996))
                else:
                    family = head['full_name'].split(' ')[0] if NAME_STYLE[nat] in ('VN', 'CN', 'KR', 'KH') else None
                    m = self.make_person(hid, nat, None, (2000, 2014), family=family)
                    if r.random() < .6:
                        m['phone'] = head['phone']
                    if r.random() < .4:
                        m['email'] = head['email']
                m['address'] = head['address']
                if k == 0 and r.random() < .3:
                    m['phone'] = head['phone']
            for hid in ids:
                self.household[hid] = ids
            i += size
        p = self.persons
        for pid in CIGAR_PAX + [CIGAR_HOUSEMATE]:             # the ring lives in Hà Nội and flies from HAN
            p[pid]['address'] = self.vn_address('Hà Nội')
        for pid in (VT_DIRECTOR, VT_REP):
            p[pid]['address'] = self.vn_address('TP. Hồ Chí Minh')
        p['P000902']['phone'] = p['P000901']['phone']          # cigar ring: shared phone
        p[CIGAR_HOUSEMATE]['address'] = p['P000903']['address']  # housemate who never travels
        p[ER_PAIR[0]]['passport_no'] = 'B1234567'
        self.gen_duplicates()
        self.gen_crew()

    def gen_duplicates(self):
        r = self.r
        adults = [q for q in self.persons.values() if q['date_of_birth'] < '1998' and q['person_id'] not in RESERVED
                  and q['person_id'] not in (VT_DIRECTOR, VT_REP, ER_PAIR[0])]
        picks = [self.persons[ER_PAIR[0]]] + r.sample([q for q in adults if q['_nat'] == 'VN'], 7) + \
            r.sample([q for q in adults if q['_nat'] == 'CN'], 1) + r.sample([q for q in adults if q['_nat'] == 'CU'], 1)
        for n, orig in enumerate(picks):
            pid = f'P{N_CIVIL - 9 + n:06d}'
            assert n or pid == ER_PAIR[1]
            d = dict(orig, person_id=pid, email='')
            words = orig['full_name'].split(' ')
            if orig['_nat'] == 'VN':
                d['full_name'] = ascii_fold(orig['full_name']).upper()
                d['passport_no'] = orig['passport_no'][0] + ' ' + orig['passport_no'][1:]
                d['nationality'] = r.choice(['VN', 'VN', 'VNM'])
                if r.random() < .5:
                    d['address'] = ascii_fold(orig['address']).upper().replace('QUAN ', 'Q.')
            elif orig['_nat'] == 'CN':
                d['full_name'] = f'{words[1]} {words[0].upper()}'
            else:
                d['full_name'] = ascii_fold(' '.join(words[:2]))
            if n and r.random() < .5:
                d['phone'] = self.uniq(lambda: pattern(r, r.choice(PHONE[orig['_nat']])))  # noqa: B023 - called at once
            self.persons[pid] = d
            self.by_nat[orig['_nat']].append(pid)

    def gen_crew(self):
        n = N_CIVIL
        for carrier, (nat, size) in CREW_POOLS.items():
            ids = []
            for _ in range(size):
                n += 1
                cn = nat if nat != '*' else self.r.choice(['TH', 'KR', 'FR', 'ES', 'VN', 'CN', 'TR'])
                self.make_person(f'P{n:06d}', cn, born=(1970, 1995), crew=True)
                ids.append(f'P{n:06d}')
            self.crew_ids[carrier] = ids
        self.story_crew = self.crew_ids['VN'][:3]

    # ---- flights and travel ------------------------------------------------
    def times(self, fno, day):
        o, _, hhmm, minutes = ROUTES[fno]
        dep = dt.datetime.combine(day, dt.time.fromisoformat(hhmm), self.tz[o]).astimezone(UTC)
        return dep, dep + dt.timedelta(minutes=minutes)

    def chain(self, legs, day):
        """Dated legs of an itinerary starting on `day`, or None if a connection is not 1-20 h."""
        keys = [(legs[0], day)]
        for fno in legs[1:]:
            arr = self.times(*keys[-1])[1]
            local = arr.astimezone(self.tz[ROUTES[fno][0]]).date()
            nxt = next((d for d in (local - DAY, local, local + DAY) if self.times(fno, d)[0] - arr >= MIN_CONN), None)
            if nxt is None or self.times(fno, nxt)[0] - arr > MAX_CONN:
                return None
            keys.append((fno, nxt))
        return keys if all(FIRST_DAY <= d <= LAST_DAY for _, d in keys) else None

    @staticmethod
    def cuba_cdg_han(keys, lo=dt.date(2017, 2, 20), hi=dt.date(2017, 4, 10)):
        return any(ROUTES[a][0] in ('HAV', 'VRA') and ROUTES[a][1] == 'CDG' and ROUTES[b][:2] == ('CDG', 'HAN')
                   and lo <= db <= hi for (a, _), (b, db) in zip(keys, keys[1:], strict=False))

    def free(self, pids, keys):
        start, end = self.times(*keys[0])[0] - DAY, self.times(*keys[-1])[1] + DAY
        return all(e < start or s > end for p in pids for s, e in self.busy.get(p, []))

    def new_pnr(self):
        while (p := ''.join(self.r.choice('ABCDEFGHJKLMNPQRSTUVWXYZ23456789') for _ in range(6))) in self.pnrs:
            pass
        self.pnrs.add(p)
        return p

    def take_seats(self, key, n):
        wide = ROUTES[key[0]][3] >= 300
        letters, rows = ('ABCDEFGHJK', (10, 60)) if wide else ('ABCDEF', (1, 35))
        taken = self.seats.setdefault(key, set())
        for _ in range(200):
            row, col = self.r.randint(*rows), self.r.randrange(len(letters) - n + 1)
            seats = [f'{row}{c}' for c in letters[col:col + n]]
            if not taken & set(seats):
                taken.update(seats)
                return seats
        raise RuntimeError(f'flight {key} is full')

    def book(self, pids, keys, pnr=None, bags=None):
        pnr = pnr or self.new_pnr()
        for key in keys:
            self.flights.setdefault(key, self.times(*key))
            long_haul = ROUTES[key[0]][3] >= 360
            for pid, seat in zip(pids, self.take_seats(key, len(pids)), strict=True):
                b = bags[pid] if bags else self.r.choices(range(4), [15, 40, 30, 15] if long_haul else [45, 40, 12, 3])[0]
                self.travel.append([pid, key[0], key[1].isoformat(), 'passenger', pnr, seat, b])
        for pid in pids:
            self.busy.setdefault(pid, []).append((self.times(*keys[0])[0], self.times(*keys[-1])[1]))
        return pnr

    def plant_cigar_trips(self):
        d = dt.date
        bags = dict(zip(CIGAR_PAX, [3, 3, 2, 2], strict=True))
        pax12, pax = CIGAR_PAX[:2], CIGAR_PAX
        # (travellers, legs, first day, booking label): legs with the same label share one PNR
        trips = [(pax12, ['VN19', 'AF4'], d(2016, 8, 5), 'aug16'), (pax12, ['AF3', 'VN18'], d(2016, 8, 19), 'aug16'),
                 (pax[2:3], ['VN19'], d(2016, 12, 10), 'dec16'), (pax[2:3], ['VN18'], d(2016, 12, 28), 'dec16'),
                 (pax[3:], ['VN19'], d(2017, 1, 7), 'jan17'), (pax[3:], ['VN18'], d(2017, 1, 21), 'jan17'),
                 (pax, ['VN19', 'AF4'], d(2017, 3, 8), CIGAR_OUT_PNR), (pax, ['AF3', 'VN18'], d(2017, 3, 17), CIGAR_PNR),
                 ([DECOY_10_DAYS], ['AF3'], d(2017, 3, 5), 'd1a'), ([DECOY_10_DAYS], ['VN18'], d(2017, 3, 15), 'd1b'),
                 ([DECOY_MADRID], ['IB6621', 'QR148', 'QR976'], d(2017, 3, 17), 'd2'),
                 ([DECOY_FRA], ['LH1028', 'VN18'], d(2017, 3, 18), 'd3'),
                 ([DECOY_OCT], ['VN19', 'AF4'], d(2016, 9, 24), 'd4'), ([DECOY_OCT], ['AF3', 'VN18'], d(2016, 10, 14), 'd4')]
        pnrs = {CIGAR_PNR: CIGAR_PNR, CIGAR_OUT_PNR: CIGAR_OUT_PNR}
        for group, legs, day, label in trips:
            keys = self.chain(legs, day)
            assert keys, (legs, day)
            pnrs[label] = self.book(group, keys, pnrs.get(label), bags if label == CIGAR_PNR else None)
        assert ('VN18', CIGAR_DAY) in self.flights and ('AF3', dt.date(2017, 3, 17)) in self.flights

    def pick(self, nats, keys, exclude=()):
        pool = [p for n in nats for p in self.by_nat.get(n, [])]
        for _ in range(60):
            pid = self.r.choice(pool)
            if pid not in RESERVED and pid not in exclude and self.free([pid], keys):
                return pid
        return None

    def companions(self, pid, keys):
        r, hh = self.r, [h for h in self.household.get(pid, [pid]) if h != pid]
        if hh and r.random() < .45:
            return [h for h in r.sample(hh, r.randint(1, len(hh))) if h not in RESERVED and self.free([h], keys)]
        if r.random() < .08:
            q = self.pick([self.persons[pid]['_nat']], keys, {pid})
            return [q] if q else []
        return []

    def fill_vn18(self):
        """VN18@2017-03-19 carries ~140 ordinary passengers besides the cigar ring; none came from Cuba."""
        r, n, target = self.r, 0, CIGAR_DAY
        feeders = [('LH1028', 'VN'), ('KL1227', 'FR'), ('BA308', 'VN'), ('IB3406', 'ES')]
        while n < 140:
            kind = r.choices(['vn', 'fr', 'feeder'], [55, 30, 15])[0]
            if kind == 'vn':
                out, back = self.chain(['VN19'], target - r.randint(8, 40) * DAY), self.chain(['VN18'], target)
                keys, nats = out + back, ['VN']
            elif kind == 'fr':
                out, back = self.chain(['VN18'], target), self.chain(['VN19'], target + r.randint(8, 25) * DAY)
                keys, nats = out + back, ['FR']
            else:
                fno, nat = r.choice(feeders)
                out = back = keys = self.chain([fno, 'VN18'], target - DAY)
                nats = [nat]
            pid = self.pick(nats, keys)
            if not pid:
                continue
            group = [pid] + self.companions(pid, keys)
            pnr = self.book(group, out)
            if back is not out:
                self.book(group, back, pnr)
            n += len(group)

    def background_travel(self):
        r = self.r
        pools = {}
        for out, back, w, _ in ITINS:
            for fno in (out[0], back[0]):
                pools[fno] = pools.get(fno, 4) + w
        days = [FIRST_DAY + i * DAY for i in range((LAST_DAY - FIRST_DAY).days + 1)]
        for fno in pools:
            pools[fno] = sorted(r.sample(days, min(pools[fno], 18)))  # few dates per route => fuller flights
        for fno in CREW_ROUTE:  # the crew-baggage turnarounds fly with passengers too
            pools[fno] = sorted(set(pools[fno]) | set(CREW_DAYS))
            for d in CREW_DAYS:
                self.flights.setdefault((fno, d), self.times(fno, d))
        pools['VN18'] = [d for d in pools['VN18'] if d != CIGAR_DAY]  # keep that flight's load as planted
        skip = RESERVED
        for pid, p in list(self.persons.items())[:N_CIVIL]:
            if pid in skip:
                continue
            nat = p['_nat']
            options = [it for it in ITINS if nat in it[3].split()]
            for _ in range(r.choices([0, 1, 2, 3], [8, 50, 28, 14])[0]):
                out, back, _, _ = r.choices(options, [it[2] for it in options])[0]
                if nat != 'VN':
                    out, back = back, out
                first = self.chain(out, r.choice(pools[out[0]]))
                if not first:
                    continue
                arrive = first[-1][1]
                near = [d for d in pools[back[0]] if arrive + 2 * DAY <= d <= arrive + 90 * DAY]
                second = self.chain(back, r.choice(near[:3])) if near else None  # else one-way within this data set
                keys = first + (second or [])
                if self.cuba_cdg_han(keys) or not self.free([pid], keys):
                    continue
                group = [pid] + self.companions(pid, keys)
                pnr = self.book(group, first)
                if second:
                    self.book(group, second, pnr)

    def story_crew_on(self, day):
        i = CREW_DAYS.index(day)  # the seizure's crew member flies every time, the other two alternate
        return [self.story_crew[1], self.story_crew[0 if i % 2 else 2]]

    def assign_crew(self):
        r, busy = self.r, {}
        for d in CREW_DAYS:  # reserve the story crew first so nothing else double-books them
            for c in self.story_crew_on(d):
                busy.setdefault(c, []).append((self.flights[(CREW_ROUTE[0], d)][0], self.flights[(CREW_ROUTE[1], d)][1]))
        for key in sorted(self.flights, key=lambda k: (self.flights[k][0], k[0])):
            fno, (dep, arr) = key[0], self.flights[key]
            if not set(ROUTES[fno][:2]) & set(VN_AIRPORTS):
                continue  # crew manifests are held only for flights to/from Vietnam
            minutes, carrier = ROUTES[fno][3], fno[:2]
            partner = (TURNAROUND.get(fno), key[1])
            if partner in self.crew_of:
                crew = self.crew_of[partner]
            else:
                home = carrier in ('VN', 'VJ', 'QH')
                lo, hi = (10, 12) if minutes >= 480 else (7, 8) if minutes >= 180 else (5, 6)
                need = r.randint(lo, hi) - (0 if home else 3)
                forced = self.story_crew_on(key[1]) if key[0] == CREW_ROUTE[0] and key[1] in CREW_DAYS else []
                avail = [c for c in self.crew_ids[carrier] if c not in forced and
                         all(e + dt.timedelta(hours=10) < dep or s > arr + dt.timedelta(hours=10) for s, e in busy.get(c, []))]
                crew = forced + r.sample(avail, min(need - len(forced), len(avail)))
            self.crew_of[key] = crew
            for c in crew:
                busy.setdefault(c, []).append((dep, arr))
                heavy = key[0] == CREW_ROUTE[1] and key[1] in CREW_DAYS and c in self.story_crew
                bags = r.randint(2, 4) if heavy else r.choices([0, 1], [75, 25])[0]
                self.travel.append([c, fno, key[1].isoformat(), 'crew', '', '', bags])

    # ---- companies, containers, declarations -------------------------------
    def vn_tax_code(self, city):
        while True:
            base = VN_TAX_PREFIX[city] + pattern(self.r, '#######')
            if (c := mst.calc_check_digit(base)) != '10' and base + c not in self.used:
                self.used.add(base + c)
                return base + c

    def add_company(self, cid, name, country, address, phone, email, cat, city=''):
        self.companies[cid] = {'company_id': cid, 'name': name, 'country': country, 'address': address,
                               'phone': phone, 'email': email, '_cat': cat, '_city': city}
        return self.companies[cid]

    def vn_company(self, cat, city=None, cid=None, name=None):
        r = self.r
        city = city or r.choices(list(VN_CITIES), [v[0] for v in VN_CITIES.values()])[0]
        cid = cid or self.vn_tax_code(city)
        forms = ['Công ty TNHH {w} {b}', 'Công ty Cổ phần {w} {b}', 'Công ty TNHH MTV {w} {b}', 'Công ty TNHH TM DV XNK {b}']
        while True:
            brand = r.choice(VN_BRANDS)
            drawn = r.choice(forms).format(w=CAT_WORD[cat], b=brand)
            if name or drawn not in self.used:
                break
        name = name or drawn
        self.used.add(name)
        slug = ascii_fold(name.split(' ')[-2] + name.split(' ')[-1]).lower()
        email = self.uniq(lambda: f'{r.choice(["info", "sales", "xnk", "ketoan"])}@{slug}{r.randint(1, 99)}.com.vn' if r.random() < .7
                          else f'{slug}{r.randint(1, 999)}@gmail.com')
        addr = self.vn_address(city)
        if r.random() < .3:
            addr = r.choice(['Lô ', 'Tầng ']) + f'{r.randint(2, 15)}, ' + addr
        return self.add_company(cid, name, 'VN', addr, self.uniq(lambda: pattern(r, VN_LANDLINE[city])), email, cat, city)

    def foreign_company(self, cc, cid=None, name=None, address=None):
        r = self.r
        _, prefixes, suffix, idpat, cities = FOREIGN_COS[cc]
        if not cid:
            if cc == 'CN':  # unified social credit code with a valid check character
                base = '91' + r.choice(['440300', '440100', '441900', '330782', '330200', '350200']) + \
                    ''.join(r.choice('0123456789ABCDEFGHJKLMNPQRTUWXY') for _ in range(9))
                cid = 'CN-' + base + uscc.calc_check_digit(base)
            else:
                cid = f'{cc}-' + pattern(r, idpat)
        while True:
            word, kind, pre = r.choice(FOREIGN_WORDS), r.choice(FOREIGN_KINDS), r.choice(prefixes.split('|'))
            drawn = f'PT {pre} {word} {kind}' if suffix == 'PT' else f'{pre} {word} {kind} {suffix}'
            if name or drawn not in self.used:
                break
        name = name or drawn
        self.used.add(name)
        if not address:
            address = self.address(cc) if cc in FOREIGN_ADDR else \
                f'{r.randint(1, 300)} {word} Road, {r.choice(cities.split("|"))}, {COUNTRY_NAME[cc]}'
        dom = ascii_fold(f'{pre}{word}' if drawn == name else ''.join(name.split()[:2])).lower().replace(' ', '')
        cc_tld = {'US': 'com', 'HK': 'com.hk', 'CN': 'cn'}.get(cc, cc.lower())
        phone = PHONE[cc][0] if cc in PHONE else COMPANY_PHONE[cc]
        return self.add_company(cid, name, cc, address, self.uniq(lambda: pattern(r, phone)),
                                self.uniq(lambda: f'{r.choice(["sales", "info", "export"])}{r.choice(["", "", r.randint(1, 9)])}@{dom}.{cc_tld}'),
                                'foreign')

    def gen_companies(self):
        r, p = self.r, self.persons
        vt = self.vn_company('logistics', 'TP. Hồ Chí Minh', VIET_TRAN, 'Công ty TNHH TM DV XNK Du lịch Việt Trấn')
        vt['address'] = '68/12 Nguyễn Văn Trỗi, Phường 8, Quận Phú Nhuận, TP. Hồ Chí Minh'
        vt['email'] = 'xnk.viettran@gmail.com'
        sister = self.vn_company('logistics', 'TP. Hồ Chí Minh', VIET_TRAN_SISTER, 'Công ty TNHH Giao nhận Vận tải Trấn Phát')
        sister['phone'] = p[VT_DIRECTOR]['phone']              # director's mobile doubles as the sister firm's number
        self.foreign_company('KH', KH_CONSIGNEE, 'Mekong Pearl Import Export Co., Ltd',
                             'No. 88, Street 271, Sangkat Tuol Tumpung II, Khan Chamkar Mon, Phnom Penh, Cambodia')
        self.foreign_company('KH', KH_CONSIGNEE_2, 'Angkor Lucky Trading Co., Ltd')
        self.vn_company('glass', 'Hà Nội', GLASS_CO, 'Công ty TNHH Kính Xây dựng Phú Gia')
        for i in range(243):
            self.vn_company('glass' if i < 10 else 'logistics' if i < 40 else r.choices(list(CATS), CAT_WEIGHTS)[0])
        for cc, (count, *_) in FOREIGN_COS.items():
            for _ in range(count - (2 if cc == 'KH' else 0)):
                self.foreign_company(cc)
        vn = [c for c in self.companies.values() if c['country'] == 'VN']
        for c in r.sample(vn[5:], 24):                         # shared premises / switchboards
            other = r.choice(vn[5:])
            c['address'] = other['address']
            if r.random() < .4:
                c['phone'] = other['phone']
        # officers: persons from persons.csv; every VN company has at least one
        self.officers += [[VT_DIRECTOR, VIET_TRAN, 'director', '2014-08-12'], [VT_REP, VIET_TRAN, 'representative', '2015-03-02'],
                          [VT_DIRECTOR, VIET_TRAN_SISTER, 'owner', '2012-05-21']]
        adults = [pid for pid in self.by_nat['VN'][:-10] if p[pid]['date_of_birth'] < '1994'
                  and pid not in RESERVED and pid not in (VT_DIRECTOR, VT_REP)]
        officers_so_far = []
        for c in vn[2:]:
            for k in range(r.choices([1, 2, 3], [50, 35, 15])[0]):
                pid = r.choice(officers_so_far) if officers_so_far and r.random() < .12 else r.choice(adults)
                role = ['director', 'representative', 'shareholder'][k] if k or r.random() < .8 else 'owner'
                since = dt.date(2006, 1, 1) + r.randrange(3800) * DAY
                self.officers.append([pid, c['company_id'], role, since.isoformat()])
                officers_so_far.append(pid)
                if k == 0 and r.random() < .15:
                    c['phone'] = p[pid]['phone']              # small firm: the director's mobile
        for c in [c for c in self.companies.values() if c['country'] in ('CN', 'KH', 'KR', 'TH')]:
            if c['company_id'] == KH_CONSIGNEE or r.random() < .3:
                pid = r.choice([x for x in self.by_nat[c['country']] if p[x]['date_of_birth'] < '1994'])
                self.officers.append([pid, c['company_id'], 'director', (dt.date(2008, 1, 1) + r.randrange(3000) * DAY).isoformat()])

    def gen_containers(self):
        r = self.r
        sizes = [('22G1', 34), ('42G1', 20), ('45G1', 36), ('22R1', 3), ('45R1', 7)]
        self.containers[STORY_CONTAINER] = {'container_no': STORY_CONTAINER, 'size_type': '45G1', 'operator': 'Wan Hai Lines'}
        while len(self.containers) < N_CONTAINERS:
            owner, operator = r.choice(CONTAINER_OWNERS)
            serial = f'{r.randrange(1000000):06d}'
            if owner + serial == STORY_CONTAINER[:10]:
                continue  # keep the bad-check-digit twin of the story box unambiguous
            no = owner + serial + iso6346.calc_check_digit(owner + serial)
            st = r.choices([s for s, _ in sizes], [w for _, w in sizes])[0]
            self.containers.setdefault(no, {'container_no': no, 'size_type': st, 'operator': operator or r.choice(LESSEES)})

    def decl_no(self, typ):
        pfx = {'import': '10', 'export': '30', 'transit': '50'}[typ]
        return self.uniq(lambda: f'{pfx}{self.r.randint(100_000_000, 1_999_999_999):010d}')

    def add_decl(self, typ, company, consignee, office, day, origin, dest, pol, pod, items, containers=None, no=None):
        no = no or self.decl_no(typ)
        self.decls[no] = {'declaration_no': no, 'type': typ, 'company_id': company, 'consignee_id': consignee or '',
                          'customs_office': office, 'registered_date': day.isoformat(), 'origin_country': origin,
                          'destination_country': dest, 'port_of_loading': pol, 'port_of_discharge': pod}
        for i, (hs, desc, unit, qty, price) in enumerate(items, 1):
            self.items.append([no, i, hs, desc, qty, unit, f'{qty * price:.2f}'])
        mode = {o[0]: o[3] for o in OFFICES}[office]
        self.decls[no]['_need'] = 0 if mode == 'air' else (containers if isinstance(containers, int) else 0)
        self.decls[no]['_reefer'] = any(i[0][:2] in ('03', '08') for i in items)
        for c in containers if isinstance(containers, list) else []:
            self.dcont.append([no, c])
        return no

    def line(self, item, scale=1.0):
        hs, desc, unit, (qlo, qhi), (plo, phi) = item
        qty = max(1, int(self.r.randint(qlo, qhi) * scale))
        return hs, desc, unit, qty, round(self.r.uniform(plo, phi), 2)

    def day(self, lo=FIRST_DAY, hi=LAST_DAY):
        return lo + self.r.randrange((hi - lo).days + 1) * DAY

    def plant_trade(self):
        r, d = self.r, dt.date
        transit_items = [('61091010', 'Quần áo may sẵn các loại (áo thun, áo khoác), hàng mới', 'PCE', 1800, 0.9),
                         ('64041900', 'Giày thể thao các loại, đế cao su', 'PR', 1200, 1.6),
                         ('42022200', 'Túi xách các loại bằng vải', 'PCE', 900, 1.2),
                         ('39269099', 'Phụ kiện điện thoại bằng nhựa (ốp lưng, dây sạc)', 'PCE', 6000, 0.15),
                         ('71171990', 'Vòng đeo tay trang sức giả, kim loại thường', 'PCE', 2500, 0.3)]
        self.add_decl('transit', VIET_TRAN, KH_CONSIGNEE, '02CI', d(2017, 6, 16), 'CN', 'KH', 'CNSZX', 'VNCLI',
                      transit_items, [STORY_CONTAINER], TRANSIT_DECL)
        for day, cons, pol, boxes in [(d(2017, 2, 9), KH_CONSIGNEE, 'CNSZX', 2), (d(2017, 3, 22), KH_CONSIGNEE_2, 'CNYTN', 1),
                                      (d(2017, 4, 27), KH_CONSIGNEE, 'CNYTN', 2), (d(2017, 5, 30), KH_CONSIGNEE_2, 'CNSZX', 1),
                                      (d(2017, 8, 3), KH_CONSIGNEE, 'CNSZX', 2)]:  # 8 boxes + the story box
            its = [(h, de, u, int(q * r.uniform(.6, 1.4)), p) for h, de, u, q, p in r.sample(transit_items, r.randint(2, 4))]
            self.add_decl('transit', VIET_TRAN, cons, '02CI', day, 'CN', 'KH', pol, 'VNCLI', its, boxes)
        for day in (d(2017, 1, 12), d(2017, 7, 19)):
            self.add_decl('import', VIET_TRAN, VIET_TRAN, '02CI', day, 'CN', 'VN', 'CNSZX', 'VNCLI',
                          [self.line(CATS['garments'][0][0]), self.line(CATS['bags'][0][0])], 1)
        # float glass: ~40 background lines at 4-8 USD/m2, GLASS_CO at 0.5-1 USD/m2
        glass_cos = [c['company_id'] for c in self.companies.values() if c['_cat'] == 'glass' and c['company_id'] != GLASS_CO]
        n_lines = 0
        while n_lines < 40:
            co = r.choice(glass_cos)
            city = self.companies[co]['_city']
            office = r.choice(OFFICES_BY_CITY[city][0].split())
            origin = r.choice(['CN', 'CN', 'MY', 'ID', 'TH'])
            its = [(hs, de, u, r.randint(20, 120) * 100, round(r.uniform(4, 8), 2)) for hs, de, u in r.sample(GLASS, r.randint(1, 2))]
            n_lines += len(its)
            self.add_decl('import', co, co, office, self.day(), origin, 'VN', r.choice(SEA_PORTS[origin].split()),
                          {o[0]: o[4] for o in OFFICES}[office], its, r.randint(1, 3))
        for day in (d(2016, 11, 8), d(2017, 2, 14), d(2017, 5, 23), d(2017, 8, 29)):
            its = [(hs, de, u, r.randint(60, 150) * 100, round(r.uniform(.5, 1), 2)) for hs, de, u in r.sample(GLASS, r.randint(1, 2))]
            self.add_decl('import', GLASS_CO, GLASS_CO, '03CE', day, 'CN', 'VN', 'CNSHA', 'VNHPH', its, 2)

    def background_trade(self):
        r = self.r
        vn = [c for c in self.companies.values() if c['country'] == 'VN' and c['_cat'] in CATS
              and c['company_id'] not in (VIET_TRAN, VIET_TRAN_SISTER, GLASS_CO)]
        activity = [min(r.paretovariate(1.5), 12) for _ in vn]  # a few busy traders, none dominating
        brokers = [c['company_id'] for c in self.companies.values() if c['_cat'] == 'logistics' and c['company_id'] not in (VIET_TRAN, VIET_TRAN_SISTER)]
        foreign = {}
        for c in self.companies.values():
            foreign.setdefault(c['country'], []).append(c['company_id'])
        port_of = {o[0]: o[4] for o in OFFICES}
        while len(self.decls) < N_DECLARATIONS:
            if r.random() < .07:  # transit via Vietnam to Cambodia / Laos, declared by a forwarder
                dest = r.choice(['KH', 'KH', 'KH', 'LA'])
                office, pod = ('02CI', 'VNCLI') if dest == 'KH' else ('03CE', 'VNHPH')
                origin = r.choice(['CN', 'CN', 'HK', 'TH'])
                items = [self.line(i, .5) for i in r.sample(CATS[r.choice(['garments', 'electronics', 'tiles', 'plastics', 'toys'])][0], 1)]
                self.add_decl('transit', r.choice(brokers), r.choice(foreign[dest][2:] if dest == 'KH' else foreign[dest]),
                              office, self.day(), origin, dest, r.choice(SEA_PORTS[origin].split()), pod, items, r.randint(1, 2))
                continue
            c = r.choices(vn, activity)[0]
            items_all, flow, src, dst, air = CATS[c['_cat']]
            typ = 'import' if flow == 'imp' or (flow == 'both' and r.random() < .55) else 'export'
            is_air = r.random() < air
            sea_offices, air_office = OFFICES_BY_CITY[c['_city']]
            office = air_office if is_air else r.choice(sea_offices.split())
            partner_cc = r.choice((src if typ == 'import' else dst).split())
            ports = (AIR_PORTS if is_air else SEA_PORTS).get(partner_cc, SEA_PORTS[partner_cc]).split()
            items = [self.line(i, .2 if is_air else 1) for i in r.sample(items_all, min(len(items_all), r.choices([1, 2, 3, 4, 5], [35, 25, 18, 12, 10])[0]))]
            while len(items) < 5 and r.random() < .15:  # repeated HS lines with other specs
                items.append(self.line(r.choice(items_all), .5))
            if typ == 'import':
                declarant, cons = (r.choice(brokers), c['company_id']) if r.random() < .2 else (c['company_id'], c['company_id'])
                cons = '' if r.random() < .08 else cons
                self.add_decl(typ, declarant, cons, office, self.day(), partner_cc, 'VN', r.choice(ports), port_of[office], items, r.choices([1, 2, 3], [60, 28, 12])[0])
            else:
                buyer = r.choice(foreign[partner_cc]) if partner_cc in foreign and r.random() < .85 else ''
                self.add_decl(typ, c['company_id'], buyer, office, self.day(), 'VN', partner_cc, port_of[office], r.choice(ports), items, r.choices([1, 2, 3], [60, 28, 12])[0])

    def allocate_containers(self):
        """Every container is used at least once; reefers go to perishables, the story box only to its declaration."""
        r = self.r
        boxes = [c for c in self.containers if c != STORY_CONTAINER]
        reefers = [c for c in boxes if self.containers[c]['size_type'][2] == 'R']
        dry = [c for c in boxes if self.containers[c]['size_type'][2] != 'R']
        unused = {'R': r.sample(reefers, len(reefers)), 'G': r.sample(dry, len(dry))}
        sea = sorted((d for d in self.decls.values() if d['_need']), key=lambda d: (d['registered_date'], d['declaration_no']))
        for dcl in sea:
            kind = 'R' if dcl['_reefer'] else 'G'
            for _ in range(dcl['_need']):
                queue = unused[kind]
                box = queue.pop() if queue else r.choice(reefers if kind == 'R' else dry)
                if [dcl['declaration_no'], box] not in self.dcont:
                    self.dcont.append([dcl['declaration_no'], box])
        for kind, queue in unused.items():  # leftovers ride on random sea declarations of the right kind
            cands = [d for d in sea if ('R' if d['_reefer'] else 'G') == kind]
            for box in queue:
                self.dcont.append([r.choice(cands)['declaration_no'], box])

    # ---- seizures ------------------------------------------------------------
    def plant_cargo_seizures(self):
        """Declarations that background seizures will point at (declared goods differ from what was found)."""
        r, out = self.r, []
        vn = [c['company_id'] for c in self.companies.values() if c['country'] == 'VN' and c['_cat'] in CATS]
        brokers = [c['company_id'] for c in self.companies.values() if c['_cat'] == 'logistics' and c['company_id'] not in (VIET_TRAN, VIET_TRAN_SISTER)]
        cn = [c['company_id'] for c in self.companies.values() if c['country'] == 'CN']
        port_of = {o[0]: o[4] for o in OFFICES}
        for spec in CARGO_SEIZURES:
            office, typ, origin, pol, declared = spec[:5]
            day = self.day(hi=LAST_DAY - 8 * DAY)
            if typ == 'transit':
                co, cons, dest = r.choice(brokers), r.choice(cn), 'CN'
            else:
                co = cons = r.choice(vn)
                dest = 'VN'
            no = self.add_decl(typ, co, cons, office, day, origin, dest, pol, port_of[office], [declared], r.randint(1, 2))
            out.append((no, spec))
        self.cargo_seizures = out

    def add_seizure(self, day, code, location, unit, violation, goods, qty, value, brands, desc, links):
        base = sid = f'SZ-{day:%Y}-{day:%m%d}-{code}'
        n = 1
        while any(s[0] == sid for s in self.seizures):
            n += 1
            sid = f'{base}-{n}'
        self.seizures.append([sid, day.isoformat(), location, unit, violation, goods, qty, f'{value:.2f}', brands, desc])
        self.links += [[sid, ref, role] for ref, role in links]
        return sid

    def gen_seizures(self):
        r = self.r
        self.add_seizure(CIGAR_DAY, 'HAN', 'Sân bay quốc tế Nội Bài, Hà Nội', OFFICE_NAME['01B1'], 'undeclared goods / smuggling',
                         'cigars', 16996, 254940, 'Cohiba;Montecristo;Romeo y Julieta;Partagás',
                         '16,996 cigars found in 10 checked suitcases of four passengers arriving from Paris on VN18; '
                         'the passengers used the green channel and declared nothing.',
                         [(f'Person:{p}', 'passenger') for p in CIGAR_PAX] + [(f'Flight:VN18@{CIGAR_DAY}', 'flight')])
        self.add_seizure(dt.date(2017, 6, 21), 'CLI', 'Cảng Cát Lái, TP. Hồ Chí Minh', 'Đội Kiểm soát Hải quan — Phòng chống buôn lậu & SHTT',
                         'suspected counterfeit goods (IPR infringement)', '35 kinds of suspected counterfeit goods', 35, 48500,
                         'Apple;Samsung;Puma;Nike;Adidas;Converse;Louis Vuitton;Montblanc;Chanel;Hermès;Cartier',
                         f'Inspection of transit container {STORY_CONTAINER} (declared as garments, footwear, bags and accessories '
                         'for Cambodia) found 35 kinds of suspected counterfeit goods: phone accessories (chargers, cables, cases, '
                         'earphones), clothing, shoes, bags and bracelets bearing protected trademarks.',
                         [(f'Container:{STORY_CONTAINER}', 'container'), (f'Declaration:{TRANSIT_DECL}', 'declaration'),
                          (f'Company:{VIET_TRAN}', 'declarant'), (f'Company:{KH_CONSIGNEE}', 'consignee')])
        crew_day = CREW_DAYS[-1]
        self.add_seizure(crew_day, 'SGN', 'Sân bay quốc tế Tân Sơn Nhất, TP. Hồ Chí Minh', OFFICE_NAME['02B1'],
                         'undeclared goods / smuggling', 'cosmetics', 1260, 18400, 'Shiseido;SK-II;Lancôme;Estée Lauder',
                         'Three oversized checked bags of a cabin crew member arriving from Bangkok on VN600 held 1,260 '
                         'cosmetic items for resale; nothing was declared.',
                         [(f'Person:{self.story_crew[1]}', 'crew'), (f'Flight:{CREW_ROUTE[1]}@{crew_day}', 'flight')])
        story_people = RESERVED | {VT_DIRECTOR, VT_REP} | set(self.story_crew)
        used = set()
        for airport, origins, violation, goods, qty, value, brands, desc in PAX_SEIZURES:
            cands = [t for t in self.travel if t[3] == 'passenger' and ROUTES[t[1]][1] == airport and t[1] != CREW_ROUTE[1]
                     and ROUTES[t[1]][0] in origins.split() and t[0] not in story_people and t[0] not in used
                     and t[0] < f'P{N_CIVIL - 9:06d}']
            pid, fno, day = r.choice(cands)[:3]
            used.add(pid)
            arrival = self.flights[(fno, dt.date.fromisoformat(day))][1].astimezone(self.tz[airport]).date()
            office = '01B1' if airport == 'HAN' else '02B1'
            self.add_seizure(arrival, airport, SEIZURE_PLACE[office], OFFICE_NAME[office], violation, goods, qty, value, brands,
                             desc, [(f'Person:{pid}', 'passenger'), (f'Flight:{fno}@{day}', 'flight')])
        boxes = {}
        for no, c in self.dcont:
            boxes.setdefault(no, []).append(c)
        for no, spec in self.cargo_seizures:
            office, _, _, _, _, unit, violation, goods, qty, value, brands, desc = spec
            dcl = self.decls[no]
            links = [(f'Container:{b}', 'container') for b in boxes.get(no, [])[:1]] + [(f'Declaration:{no}', 'declaration'),
                                                                                           (f'Company:{dcl["company_id"]}', 'declarant')]
            if dcl['consignee_id'] and dcl['consignee_id'] != dcl['company_id']:
                links.append((f'Company:{dcl["consignee_id"]}', 'consignee'))
            day = dt.date.fromisoformat(dcl['registered_date']) + r.randint(1, 6) * DAY
            self.add_seizure(day, SEIZURE_CODE[office], SEIZURE_PLACE[office], unit or OFFICE_NAME[office], violation, goods,
                             qty, value, brands, desc, links)
        order = sorted(range(len(self.seizures)), key=lambda i: (self.seizures[i][1], self.seizures[i][0]))
        self.seizures = [self.seizures[i] for i in order]

    # ---- deliberately bad rows (README.md lists them) ------------------------
    def bad_rows(self):
        r, bad = self.r, {}
        last = len(self.persons)
        p1 = self.make_person(f'P{last + 1:06d}', 'FR', crew=False)
        p1['nationality'] = 'ZZ'
        p2 = self.make_person(f'P{last + 2:06d}', 'VN', crew=False)
        p2['date_of_birth'] = '31/02/1980'
        bad['persons'] = [p1, p2]
        bad['flights'] = [['VJ897', 'XXQ', 'SGN', '2017-05-14T09:15:00+07:00', '2017-05-14T10:40:00+07:00'],
                          ['VN243', 'HAN', 'SGN', '2017-07-02T10:00:00+07:00', '2017-07-02T12:05:00']]
        missing = next(d for d in (dt.date(2017, 4, 1) + i * DAY for i in range(60)) if ('VN18', d) not in self.flights)
        traveller = next(t[0] for t in self.travel if t[0] < 'P000100' and t[3] == 'passenger')
        bad['travel'] = [[traveller, 'VN18', missing.isoformat(), 'passenger', self.new_pnr(), '31C', 1]]
        importer = next(c for c in self.companies.values() if c['_cat'] == 'electronics' and c['_city'] == 'TP. Hồ Chí Minh')
        no = self.decl_no('import')
        bad['declarations'] = [{'declaration_no': no, 'type': 'import', 'company_id': importer['company_id'],
                                'consignee_id': importer['company_id'], 'customs_office': '02CI', 'registered_date': '2017-13-01',
                                'origin_country': 'CN', 'destination_country': 'VN', 'port_of_loading': 'CNSHA', 'port_of_discharge': 'VNCLI'}]
        bg = sorted(no for no, d in self.decls.items() if d['type'] == 'import' and d['company_id'] not in (VIET_TRAN, GLASS_CO)
                    and d['_need'] and no not in {n for n, _ in self.cargo_seizures})
        target = r.choice(bg)
        n_lines = sum(1 for i in self.items if i[0] == target)
        bad['items'] = [[target, n_lines + 1, '99999999', 'Hàng hóa khác chưa phân loại', 120, 'PCE', '264.00']]
        bad['dcont'] = [[r.choice(bg), 'TGHU12345']]
        bad['containers'] = [{'container_no': 'WHSU5018376', 'size_type': '45G1', 'operator': 'Wan Hai Lines'}]
        plain = [s[0] for s in self.seizures if s[0] not in {lk[0] for lk in self.links if 'Person:' in lk[1] or 'Flight:' in lk[1]}]
        bad['links'] = [[plain[0], 'Container', 'container'], [plain[-1], 'Spaceship:X1', 'container']]
        return bad

    # ---- output ----------------------------------------------------------------
    def run(self):
        self.gen_persons()
        self.plant_cigar_trips()
        self.fill_vn18()
        self.background_travel()
        self.assign_crew()
        self.gen_companies()
        self.gen_containers()
        self.plant_trade()
        self.plant_cargo_seizures()
        self.background_trade()
        self.allocate_containers()
        self.gen_seizures()
        return self.bad_rows()

    def write(self, out: Path, bad):
        out.mkdir(parents=True, exist_ok=True)
        cols = {k: v.split() for k, v in COLUMNS.items()}

        def dump(name, rows):
            with open(out / f'{name}.csv', 'w', encoding='utf-8', newline='') as f:
                w = csv.writer(f, lineterminator='\n')
                w.writerow(cols[name])
                w.writerows([row[c] for c in cols[name]] if isinstance(row, dict) else row for row in rows)
            print(f'{name}.csv: {len(rows)} rows')

        bad_persons = {p['person_id'] for p in bad['persons']}
        dump('persons', sorted((p for p in self.persons.values() if p['person_id'] not in bad_persons),
                               key=lambda p: p['person_id']) + bad['persons'])
        fl = []
        for (fno, _day), (dep, arr) in sorted(self.flights.items(), key=lambda kv: (kv[0][1], kv[1][0], kv[0][0])):
            o, d = ROUTES[fno][:2]
            fl.append([fno, o, d, dep.astimezone(self.tz[o]).isoformat(), arr.astimezone(self.tz[d]).isoformat()])
        dump('flights', fl + bad['flights'])
        dump('travel', sorted(self.travel, key=lambda t: (t[2], t[1], t[3] != 'crew', t[4], t[0])) + bad['travel'])
        dump('companies', sorted(self.companies.values(), key=lambda c: (c['country'] != 'VN', c['company_id'])))
        dump('officers', sorted(self.officers, key=lambda o: (o[1], o[3], o[0])))
        dump('containers', [self.containers[k] for k in sorted(self.containers)] + bad['containers'])
        order = {no: (d['registered_date'], no) for no, d in self.decls.items()}
        dump('declarations', sorted(self.decls.values(), key=lambda d: order[d['declaration_no']]) + bad['declarations'])
        dump('declaration_items', sorted(self.items, key=lambda i: (order[i[0]], i[1])) + bad['items'])
        dump('declaration_containers', sorted(self.dcont, key=lambda x: (order[x[0]], x[1])) + bad['dcont'])
        dump('seizures', self.seizures)
        rank = {s[0]: i for i, s in enumerate(self.seizures)}
        dump('seizure_links', sorted(self.links, key=lambda lk: rank[lk[0]]) + bad['links'])
        dump('customs_offices', [o[:3] for o in OFFICES])
        dump('ports', [[k, PORTS[k], k[:2]] for k in sorted(PORTS)])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', type=Path, default=HERE, help='output folder (default: this folder)')
    ap.add_argument('--seed', type=int, default=SEED)
    ap.add_argument('--hs', type=Path, default=DEFAULT_HS, help='HS nomenclature CSV (section,hscode,description,parent,level)')
    args = ap.parse_args()
    gen = Gen(args.seed, args.hs)
    bad = gen.run()
    gen.write(args.out, bad)


if __name__ == '__main__':
    main()
