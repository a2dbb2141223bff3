"""The demo's texts: name groups by origin, e-mail domains, companies, staff notes, and the
programme's topics and title patterns.

Data only (and two tiny readers for it), kept apart from the generator in `demo_data`.
"""


def words(text: str, sep: str = ",") -> tuple[str, ...]:
    """The trimmed, non-empty parts of a separated list."""
    return tuple(part.strip() for part in text.split(sep) if part.strip())


# --- Names. A group starts with "key weight% mail-domains [home] [cjk] [mono=share]
# [native=share]", then given names / family names [/ mononyms]. An entry "native=roman" is
# written natively for the native share of people, and the romanisation makes the email.
# "home" marks Indonesian groups; "cjk" stores family+given names in first_name, last_name "".
NAME_TABLE = """
javanese 12 id home mono=0.2
    Budi, Sri, Agus, Dwi, Eko, Joko, Wahyu, Rina, Endang, Tri, Hadi, Retno, Bambang, Yuliani,
    Ari
    / Santoso, Wibowo, Susanto, Prasetyo, Hartono, Setiawan, Nugroho, Kusumawati, Purnomo,
    Wijaya, Suryadi, Handayani, Rahayu, Widodo, Hidayat
    / Sutrisno, Wagiman, Sumarni, Paijo, Sukirman, Suparmi, Darsono, Tukiyem, Mulyono,
    Sugiarto, Parmin, Ngatini, Slamet, Sukarmi
balinese 4 id home
    I Wayan, Ni Made, I Nyoman, Ni Ketut, I Gusti Ngurah, Ida Ayu, I Putu, Ni Luh, Anak Agung,
    I Komang
    / Sudarsana, Artawan, Suryawan, Widiastuti, Mahendra, Astiti, Wirawan, Pradnyani, Adnyana,
    Sukadana
sundanese 7 id home
    Asep, Ujang, Dede, Euis, Cecep, Yayan, Neng, Iis, Dadang, Acep, Rudi, Yanti, Encep, Nining
    / Sunarya, Permana, Kurniawan, Rahmat, Sukmana, Suhendar, Gunawan, Saepudin, Hermawan,
    Sopandi
batak 5 id home
    Togar, Maruli, Rohani, Tiurma, Parulian, Lamhot, Dame, Sahat, Rumondang, Horas, Ruth,
    Yosua
    / Siregar, Simanjuntak, Nasution, Hutapea, Sitompul, Pardede, Situmorang, Sihombing,
    Panjaitan, Harahap, Lubis, Simatupang, Tambunan, Manurung
minang 4 id home
    Rizal, Yusuf, Fauzi, Hendra, Rahmi, Fitri, Syafrudin, Zulkifli, Afrizal, Yeni, Nofri, Devi
    / Chaniago, Piliang, Koto, Tanjung, Sikumbang, Jambak, Sinaga, Datuak, Malik, Bachtiar
chinese-indonesian 5 id home
    Hendra, Lina, Kevin, Sherly, Felix, Jessica, Yohanes, Melissa, Steven, Angelina, Ricky,
    Olivia
    / Tanoto, Halim, Gunawan, Wijaya, Tanuwijaya, Salim, Lim, Tan, Hartanto, Susilo, Liem, Oey,
    Gozali, Kurniadi
indonesian 8 id home mono=0.08
    Muhammad, Ahmad, Siti, Nur, Fajar, Putri, Dimas, Ayu, Rizky, Annisa, Dian, Indah, Bayu,
    Nabila, Reza
    / Pratama, Saputra, Ramadhan, Lestari, Maharani, Hakim, Firmansyah, Kusuma, Rahman,
    Anggraini, Syahputra, Wulandari
    / Nurhayati, Wahyudi, Suryani, Haryanto, Mardiyah, Supriadi
vietnamese 3 vn-in
    Thị Minh Khai, Văn Hùng, Thị Lan, Minh Tuấn, Thu Hà, Đức Anh, Ngọc Ánh, Quốc Bảo,
    Thị Hương, Hoàng Long, Phương Linh, Thanh Tùng
    / Nguyễn, Trần, Lê, Phạm, Hoàng, Huỳnh, Phan, Vũ, Đặng, Bùi, Đỗ, Ngô
iberian 5 intl
    José, María, Jesús, Sofía, Andrés, Lucía, João, Conceição, Sebastián, Inês, Gonçalo,
    Begoña, Íñigo, Ramón
    / Ñúñez, García, Peña, Muñoz, Hernández, Gómez, Araújo, Gonçalves, Magalhães,
    Sánchez de la Peña, Fernández-Calvo, dos Santos, Ibáñez
irish 4 intl
    Siobhán, Seán, Aoife, Niamh, Ciarán, Pádraig, James, Emily, Oliver, Charlotte, Liam,
    Gráinne
    / O'Brien, O'Sullivan, O’Connor, McCarthy, D'Arcy, Kelly, Smith, Fitzgerald, Ní Bhriain,
    Walsh, Mac Giolla Phádraig, Brown
icelandic 1 intl
    Guðrún, Sigríður, Jón, Guðmundur, Þórunn, Ólafur, Björk, Einar, Ásdís, Hallgrímur
    / Guðmundsdóttir, Jónsson, Sigurðardóttir, Ólafsson, Þórsdóttir, Einarsson,
    Kristjánsdóttir, Hallgrímsson
german 4 de
    Jürgen, Sabine, Matthias, Anja, Wolfgang, Ursula, Jörg, Käthe, Lukas, Franziska,
    Maximilian, Stefanie
    / Müller, Schäfer, Weiß, Groß, Hoffmann, Krüger, Müller-Lüdenscheidt, Schmidt-Rottluff,
    Wolfeschlegelsteinhausen-Bergerdorff, von Hohenzollern-Sigmaringen-Schwarzenberg,
    Freiherr von Schönaich-Carolath-Beuthen-Blumenthal,
    Graf von Königsmarck-Oeynhausen-Hardenberg-Reventlow-Plessen
nordic 2 intl
    Søren, Bjørn, Åsa, Øystein, Kjersti, Mikael, Ingrid, Håkon, Linnéa, Mads
    / Jørgensen, Ødegård, Åberg, Sørensen, Hålland, Lindqvist, Bjørklund, Ångström, Nyström,
    Dahl
polish 2 intl
    Łukasz, Małgorzata, Paweł, Agnieszka, Wojciech, Katarzyna, Michał, Zofia, Grzegorz, Józef
    / Łukaszewicz, Wiśniewski, Kowalczyk, Szczęsny, Żółkiewska, Błaszczykowski, Nowak,
    Grzybowski, Przybyszewska, Chrząszcz
turkish 2 intl
    Işıl, Şükrü, Gülşen, Çağlar, Özge, Mehmet, Ayşe, İsmail, Ilgaz, Barış
    / Yılmaz, Şahin, Çelik, Öztürk, Aydın, Kılıç, Doğan, Güneş, Korkmaz, Yıldırım
chinese 4 zh cjk native=0.45
    小明=Xiaoming, 娜=Na, 伟=Wei, 洋=Yang, 静=Jing, 磊=Lei, 敏=Min, 志强=Zhiqiang, 杰=Jie,
    芳=Fang, 丽华=Lihua, 浩然=Haoran
    / 王=Wang, 李=Li, 张=Zhang, 刘=Liu, 陈=Chen, 杨=Yang, 赵=Zhao, 黄=Huang, 周=Zhou, 吴=Wu,
    徐=Xu, 欧阳=Ouyang
japanese 2 ja cjk native=0.4
    翔太=Shōta, 陽菜=Hina, 大輔=Daisuke, さくら=Sakura, 健=Ken, 美咲=Misaki, 拓海=Takumi,
    由美=Yumi, 悠真=Yūma
    / 佐藤=Satō, 鈴木=Suzuki, 高橋=Takahashi, 田中=Tanaka, 渡辺=Watanabe, 伊藤=Itō,
    山本=Yamamoto, 中村=Nakamura, 大野=Ōno
korean 2 ko cjk native=0.4
    민준=Min-jun, 서연=Seo-yeon, 지훈=Ji-hoon, 수빈=Su-bin, 현우=Hyun-woo, 지은=Ji-eun,
    도윤=Do-yoon, 하은=Ha-eun
    / 김=Kim, 이=Lee, 박=Park, 최=Choi, 정=Jung, 강=Kang, 조=Cho, 윤=Yoon
arabic 3 intl native=0.5
    محمد=Mohammed, أحمد=Ahmed, فاطمة=Fatima, عمر=Omar, ليلى=Layla, يوسف=Youssef, نور=Nour,
    خالد=Khaled, مريم=Maryam, سارة=Sara
    / العلي=Al-Ali, الحربي=Al-Harbi, المنصوري=Al-Mansouri, الشمري=Al-Shammari, حداد=Haddad,
    الخطيب=Al-Khatib, النجار=Al-Najjar, القحطاني=Al-Qahtani
indian 5 vn-in mono=0.05 native=0.3
    राहुल=Rahul, प्रिया=Priya, अमित=Amit, अनन्या=Ananya, विक्रम=Vikram, दीपिका=Deepika,
    अर्जुन=Arjun, स्नेहा=Sneha, Lakshmi, Karthik, Srinivasan
    / शर्मा=Sharma, वर्मा=Verma, गुप्ता=Gupta, पटेल=Patel, सिंह=Singh, जोशी=Joshi,
    Venkataraman, Subramanian, Krishnamurthy, Iyer, Reddy
    / Venkatesh, Kalaivani, Murugan, Senthil
nigerian 3 intl
    Chinedu, Ngozi, Oluwaseun, Adaeze, Babatunde, Funmilayo, Emeka, Yetunde, Abubakar, Aisha,
    Chiamaka, Ifeoluwa
    / Okonkwo, Adeyemi, Obi, Balogun, Eze, Okafor, Adebayo-Williams, Nwachukwu, Oyelaran,
    Ogunleye, Abdullahi, Chukwuemeka
filipino-malaysian 3 intl
    Maria Cristina, Juan Miguel, Jocelyn, Rodrigo, Angelica, Mark Anthony, Ma. Theresa,
    Rizalino, Nurul Izzah, Ahmad Faiz, Wei Ling, Darren
    / dela Cruz, Santos, Reyes, Bautista, Villanueva, Dimaculangan, de los Reyes,
    binti Abdullah, bin Hassan, Tan, Goh, Lim
thai 1 intl
    สมชาย, สุดารัตน์, วิชัย, กาญจนา, ประเสริฐ, นภัสสร
    / ใจดี, ศรีสุข, วงศ์สวัสดิ์, รัตนโกสินทร์, พงษ์แพทย์
anglo 3 intl
    Olivia, Jack, Chloe, Noah, Mia, Ethan, Zoë, Chloé, Ava, Mason, Renée, Hannah
    / Smith, Johnson, Williams, Anderson, Thompson, Martin, Lee, Taylor, White, Nguyen, Brooks
french 2 intl
    Amélie, François, Hélène, Jérôme, Cécile, Benoît, Zoé, Thérèse, Noël, Gaëlle
    / Lefèvre, Dubois, Rousseau, Girard, Moreau-Lévêque, Bénard, Lemaître, Béranger
dutch 2 intl
    Sanne, Joost, Femke, Pieter, Lotte, Bram, IJsbrand, Maarten
    / van der Berg, de Vries, van den Heuvel, Bakker, Jansen, 't Hooft, van Dijk, Oosterhuis
slavic 1 intl native=0.6
    Олена=Olena, Дмитрий=Dmitry, Анна=Anna, Сергей=Sergey, Наталья=Natalya, Андрій=Andriy
    / Коваленко=Kovalenko, Иванов=Ivanov, Смирнова=Smirnova, Шевченко=Shevchenko,
    Петров=Petrov
"""
MAIL_DOMAINS = {
    "id": words(
        "gmail.com, gmail.com, gmail.com, yahoo.co.id, yahoo.com, ymail.com, outlook.co.id"
    ),
    "intl": words(
        "gmail.com, gmail.com, outlook.com, icloud.com, proton.me, hotmail.com, yahoo.com"
    ),
    "de": words("gmx.de, web.de, gmail.com, t-online.de, posteo.de"),
    "zh": words("qq.com, 163.com, gmail.com"),
    "ja": words("yahoo.co.jp, gmail.com, gmail.com"),
    "ko": words("naver.com, daum.net, gmail.com"),
    "vn-in": words("gmail.com, gmail.com, yahoo.com.vn, rediffmail.com, yahoo.co.in"),
}


# --- Companies: "name=email domain" entries. Invented names; a few in their own script.
def pairs(text: str) -> tuple[tuple[str, str], ...]:
    """'name=domain' entries split in two."""
    return tuple((item.partition("=")[0], item.partition("=")[2]) for item in words(text, ";"))


ID_COMPANIES = pairs(
    "PT Nusantara Digital Solusi Tbk=nusantaradigital.co.id;"
    "PT Bank Rakyat Sejahtera Tbk=banksejahtera.co.id;"
    "PT Garuda Logistik Indonesia=garudalogistik.co.id;"
    "PT Telekomunikasi Archipelago Tbk=archipelagotel.co.id;"
    "PT Sumber Makmur Abadi=sumbermakmur.co.id;"
    "PT Cahaya Energi Terbarukan=cahayaenergi.co.id;"
    "PT Bumi Karya Konstruksi Tbk=bumikarya.co.id; PT Pasar Pintar Indonesia=pasarpintar.id;"
    "PT Dompet Rupiah Teknologi=dompetrupiah.id; PT Kopi Lereng Merapi=kopimerapi.id;"
    "PT Asuransi Jiwa Cendana=cendanalife.co.id; CV Maju Jaya Abadi=majujaya.co.id;"
    "Universitas Nusa Bangsa=unb.ac.id; Institut Teknologi Cendrawasih=itc.ac.id;"
    "Universitas Merapi Yogyakarta=umy-merapi.ac.id;"
    "Politeknik Negeri Samudra=polisamudra.ac.id;"
    "Kementerian Ekonomi Digital=kemenekdig.go.id; Badan Riset Digital Nasional=brdn.go.id;"
    "Dinas Pariwisata Provinsi Bali=dispar-bali.go.id;"
    "Pemerintah Kota Surakarta=pemkot-surakarta.go.id;"
    "Yayasan Pendidikan Pelita Harapan Bangsa=pelitabangsa.or.id;"
    "Koperasi Tani Makmur Sejahtera=tanimakmur.coop.id"
)
INTL_COMPANIES = pairs(
    "Meridian Analytics GmbH=meridian-analytics.de;"
    "Müller & Söhne Präzisionstechnik GmbH=mueller-soehne.de;"
    "Harbour & Finch LLP=harbourfinch.co.uk; Sakura Robotics K.K.=sakura-robotics.co.jp;"
    "株式会社みなと情報システム=minato-is.co.jp; Lotus Pay Pte. Ltd.=lotuspay.sg;"
    "Blue Kelp Systems Inc.=bluekelp.io; Fjordline Data AS=fjordlinedata.no;"
    "Grupo Solaris S.A.=gruposolaris.es; Aurora Bioinformatics Oy=aurorabio.fi;"
    "Công ty Phần mềm Tân Phát=tanphat.vn; Hanbit Semiconductor Co., Ltd.=hanbitsemi.co.kr;"
    "深圳云帆科技有限公司=yunfan-tech.cn; Almaza Ventures=almaza.ae;"
    "Lagos Fintech Hub Ltd=lagosfintech.ng; Kaveri Infotech Pvt. Ltd.=kaveriinfotech.in;"
    "University of Westmarch=westmarch.ac.uk; Technische Hochschule Rheinau=th-rheinau.de;"
    "Pacific Rim University=pru.edu.au; Universidad Autónoma del Sol=uasol.edu.mx;"
    "Institut Polytechnique de Lumière=ipl-lumiere.fr; Open Harbor Foundation=openharbor.org"
)
NOTES = (
    "wheelchair user, seat reserved row A", "vegetarian", "vegetarian", "vegan", "press", "press",
    "halal meals", "hearing loop requested", "nut allergy, carries an EpiPen",
    "arriving late on Day 1", "BISINDO sign-language interpreter requested",
    "collecting the lanyard for a colleague", "photographer: issue a media vest",
)  # fmt: skip
BLOCK_NOTES = (
    "See the organiser before entry",
    "Payment pending: send to the registration desk",
    "Name on booking does not match ID: check photo ID",
    "Duplicate booking under review: call head office",
)


# --- The programme: topics per track and title patterns.
TRACK_TOPICS = {
    "AI & Data": words("Retrieval-Augmented Generation, Bahasa Indonesia Language Models, MLOps,"
                    "Data Governance, Edge AI, Satellite Imagery Analytics, Synthetic Data"),
    "Cloud & Infrastructure": words("Multi-Region Kubernetes, Data Centre Cooling, Observability,"
                                 "Offline-First Sync, Platform Engineering, Cost-Aware Cloud"),
    "Fintech & Payments": words("QRIS Payments, Digital Lending, Fraud Detection, Sharia Fintech,"
                             "Cross-Border Remittances, Open Banking"),
    "Product & Design": words("Super-App Design, Accessible Interfaces, Design Systems,"
                           "User Research in Rural Areas, Multilingual UX, Product Analytics"),
    "Security & Privacy": words("Personal Data Protection Law Compliance, Zero Trust, Passkeys,"
                             "Incident Response, Supply-Chain Security, Threat Modelling"),
    "GovTech & Public Services": words("Digital Identity, e-Government Services, Smart Cities,"
                                    "Disaster Early Warning, Open Government Data"),
    "Sustainability & Energy": words("Geothermal Energy Data, Carbon Accounting, Smart Grids,"
                                  "Sustainable Fisheries Tech, Circular Logistics"),
    "Developer Experience": words("Monorepos, Developer Portals, Testing at Scale, API Design,"
                               "Code Review Culture, Internal Tooling"),
}  # fmt: skip
TALK_FORMATS = words(
    "{}: Lessons from Production | Scaling {} Across 17,000 Islands | {} in Practice |"
    "What We Got Wrong About {} | {} for Emerging Markets | A Field Guide to {} |"
    "{}: Studi Kasus dari Indonesia | Membangun {} yang Andal | Beyond the Hype: {} |"
    "{} on a Startup Budget | The Next Five Years of {} | {} Without Breaking Production",
    "|",
)
PANEL_FORMATS = words("Panel: The Future of {}, Panel: {} in Southeast Asia, Diskusi Panel: {}")
WORKSHOP_FORMATS = words("Hands-on Workshop: {}, Workshop: Getting Started with {}, Lokakarya: {}")
KEYNOTES = words(
    "Keynote: Indonesia's Next Billion Transactions | Keynote: Building for 17,000 Islands |"
    "Keynote: Trust as Infrastructure | Keynote: AI That Speaks Bahasa Indonesia |"
    "Keynote: From Warung to Cloud | Fireside Chat: Founders of the Archipelago |"
    "Keynote: Offline-First for the Real World | Keynote: Digital Public Goods |"
    "Keynote: Resilient Systems in the Ring of Fire | Fireside Chat: Policy Meets Product",
    "|",
)
HONORIFICS = words("Dr., Prof. Dr., Ir., Dr. Ir.")
DEGREES = words("M.Sc., M.Kom., S.T. M.T., Ph.D., M.B.A.")
