"""The indicator engine: keywords in every language, boundaries, negation, structured rules,
evidence mapped back to the original text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada import assess, default_analyzer
from waspada.indicators import matcher
from waspada.scoring.risk import score as risk_score
from waspada.types import Context, Entity, IndicatorHit


def ctx_of(text: str) -> Context:
    return Context.of(text, language="und")


def evaluate(ctx: Context, entities: list[Entity], lang: str) -> list[IndicatorHit]:
    return matcher.match(default_analyzer().indicators, ctx, entities, lang)


def ent(text: str, kind: str, needle: str, value: str = "", **attrs: object) -> Entity:
    start = text.index(needle)
    return Entity(kind=kind, value=value or needle.lower(), start=start,
                  end=start + len(needle), text=needle, recognizer="test", attrs=dict(attrs))


def ids(hits: list[IndicatorHit]) -> set[str]:
    return {h.id for h in hits}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dicari tenaga, tanpa pengalaman, gaji fantastis", {"recruit.no_experience",
                                                            "recruit.high_pay"}),
        ("việc nhẹ lương cao, không cần kinh nghiệm",
         {"recruit.high_pay", "recruit.no_experience"}),
        ("รายได้สูง ไม่ต้องมีประสบการณ์", {"recruit.high_pay", "recruit.no_experience"}),
        ("高薪招聘,免经验,包吃包住", {"recruit.high_pay", "recruit.no_experience",
                                   "recruit.employer_pays_all"}),
        ("malaking sahod, libreng plane ticket", {"recruit.high_pay", "recruit.employer_pays_all"}),
        ("ទីតាំងការងារ ក្រុងព្រះសីហនុ វាយអក្សរ", {"recruit.hotspot_destination",
                                                "recruit.vague_role"}),
        ("ວຽກ ປ້ອນຂໍ້ມູນ ຢູ່ ສາມຫຼ່ຽມຄຳ", {"recruit.vague_role", "recruit.hotspot_destination"}),
        ("အလုပ် ဘာသာပြန် မြဝတီ", {"recruit.vague_role", "recruit.hotspot_destination"}),
        # code-mixing: an Indonesian sentence with Chinese and English keywords
        ("Kerja di 西港, gaji tinggi, no experience needed", {"recruit.hotspot_destination",
                                                            "recruit.high_pay",
                                                            "recruit.no_experience"}),
        ("Beware: police advisory on job scams", {"counter.advisory"}),
    ],
)
def test_keywords_fire_in_every_language(text: str, expected: set[str]) -> None:
    assert expected <= ids(evaluate(ctx_of(text), [], "en"))


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("The casinos' administrator", "scam.gambling_promo"),  # 'casino' inside 'casinos'
        ("Sihanoukvilleans", "recruit.hotspot_destination"),     # no Latin word boundary
        ("tidak dipungut biaya pendaftaran", "scam.upfront_fee"),  # negated
        ("tanpa biaya administrasi apa pun", "scam.upfront_fee"),
        ("no registration fee", "scam.upfront_fee"),
        ("Hello, how are you today?", "scam.prize"),
    ],
)
def test_boundaries_and_negation_keep_false_hits_out(text: str, absent: str) -> None:
    assert absent not in ids(evaluate(ctx_of(text), [], "en"))


def test_a_negatable_keyword_without_negation_fires() -> None:
    hits = evaluate(ctx_of("Ada biaya pendaftaran Rp 500 ribu"), [], "en")
    assert "scam.upfront_fee" in ids(hits)


def test_descriptions_come_in_the_requested_language() -> None:
    c = ctx_of("gaji fantastis")
    en = evaluate(c, [], "en")[0].description
    id_ = evaluate(c, [], "id")[0].description
    vi = evaluate(c, [], "vi")[0].description
    xx = evaluate(c, [], "xx")[0].description
    assert en.startswith("Pay far above") and id_.startswith("Gaji jauh")
    assert vi != en and xx == en  # unknown languages fall back to English


def test_evidence_maps_back_through_normalisation() -> None:
    text = "Ｇａｊｉ ｆａｎｔａｓｔｉｓ, TANPA PENGALAMAN!"  # fullwidth, upper case
    hits = evaluate(ctx_of(text), [], "en")
    spans = {h.id: h.evidence for h in hits}
    assert spans["recruit.high_pay"][0].text == "Ｇａｊｉ ｆａｎｔａｓｔｉｓ"
    assert spans["recruit.no_experience"][0].text == "TANPA PENGALAMAN"
    for h in hits:
        for s in h.evidence:
            assert text[s.start:s.end] == s.text


# --- structured rules on hand-built entities -------------------------------------------------

def test_pay_rule_needs_role_or_no_experience_words() -> None:
    t1 = "Customer service, USD 1000 per month"
    money1 = ent(t1, "money", "USD 1000 per month", amount=1000, currency="USD", usd_month=1000)
    assert "recruit.high_pay" in ids(evaluate(ctx_of(t1), [money1], "en"))
    t2 = "Senior engineer, USD 1000 per month"
    money2 = ent(t2, "money", "USD 1000 per month", amount=1000, currency="USD", usd_month=1000)
    assert "recruit.high_pay" not in ids(evaluate(ctx_of(t2), [money2], "en"))
    low = ent(t1, "money", "USD 1000 per month", amount=300, currency="USD", usd_month=300)
    assert "recruit.high_pay" not in ids(evaluate(ctx_of(t1), [low], "en"))


def test_hotspot_comes_from_the_place_entity() -> None:
    t = "Kerja di Xyzville"
    place = ent(t, "place", "Xyzville", country="KH", hotspot=True)
    hits = evaluate(ctx_of(t), [place], "en")
    hs = next(h for h in hits if h.id == "recruit.hotspot_destination")
    assert hs.evidence[0].text == "Xyzville"
    assert "recruit.risky_country" in ids(hits)
    not_hot = ent(t, "place", "Xyzville", country="ID", hotspot=False)
    assert not ids(evaluate(ctx_of(t), [not_hot], "en")) & {
        "recruit.hotspot_destination", "recruit.risky_country"}


def test_chat_app_contact_only_without_a_company_address() -> None:
    t = "Kerja di luar negeri, hubungi @hr_jobs atau hr@company.co.id"
    tg = ent(t, "telegram", "@hr_jobs", value="hr_jobs")
    mail = ent(t, "email", "hr@company.co.id")
    assert "recruit.chat_app_contact" in ids(evaluate(ctx_of(t), [tg], "en"))
    assert "recruit.chat_app_contact" not in ids(evaluate(ctx_of(t), [tg, mail], "en"))
    gmail = ent(t.replace("hr@company.co.id", "hrjobs@gmail.com"), "email", "hrjobs@gmail.com")
    t3 = t.replace("hr@company.co.id", "hrjobs@gmail.com")
    assert "recruit.chat_app_contact" in ids(evaluate(ctx_of(t3), [tg, gmail], "en"))


def test_chat_app_phone_needs_a_lure_word_too() -> None:
    t = "Kirim CV ke WhatsApp 081234567890"
    phone = ent(t, "phone", "081234567890", value="+6281234567890", channel="whatsapp")
    assert "recruit.chat_app_contact" not in ids(evaluate(ctx_of(t), [phone], "en"))
    t2 = "Kerja di luar negeri! WhatsApp 081234567890"
    phone2 = ent(t2, "phone", "081234567890", value="+6281234567890", channel="whatsapp")
    assert "recruit.chat_app_contact" in ids(evaluate(ctx_of(t2), [phone2], "en"))


def test_personal_account_payment_needs_payment_words_nearby() -> None:
    t = "Tolong transfer ke rekening BCA 1234567890 a/n Budi"
    acct = ent(t, "bank_account", "1234567890", bank="BCA")
    assert "scam.personal_account_payment" in ids(evaluate(ctx_of(t), [acct], "en"))
    far = "Tolong transfer ya." + " " * 400 + "Rekening saya 1234567890"
    acct2 = ent(far, "bank_account", "1234567890", bank="BCA")
    assert "scam.personal_account_payment" not in ids(evaluate(ctx_of(far), [acct2], "en"))


def test_shortener_and_apk_links() -> None:
    t = "Unduh di https://bit.ly/abc dan https://x.example/app.apk"
    short = ent(t, "url", "https://bit.ly/abc", domain="bit.ly", shortener=True)
    apk = ent(t, "url", "https://x.example/app.apk", domain="x.example", shortener=False)
    got = ids(evaluate(ctx_of(t), [short, apk], "en"))
    assert {"scam.link_shortener", "scam.apk_download"} <= got
    t2 = "see https://x.example/app.html"
    plain = ent(t2, "url", "https://x.example/app.html", domain="x.example")
    assert "scam.apk_download" not in ids(evaluate(ctx_of(t2), [plain], "en"))


def test_click_link_requires_a_url() -> None:
    assert "scam.click_link" not in ids(evaluate(ctx_of("click here"), [], "en"))
    t = "click here https://a.example"
    u = ent(t, "url", "https://a.example", domain="a.example")
    assert "scam.click_link" in ids(evaluate(ctx_of(t), [u], "en"))


def test_each_indicator_fires_once_with_bounded_evidence() -> None:
    text = " ".join(["gaji fantastis"] * 50)
    hits = evaluate(ctx_of(text), [], "en")
    assert [h.id for h in hits] == ["recruit.high_pay"]
    assert len(hits[0].evidence) == matcher.MAX_EVIDENCE


def test_empty_text() -> None:
    assert evaluate(ctx_of(""), [], "en") == []


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)
       .map(lambda s: s + " gaji fantastis ｔｅｌｅｇｒａｍ 西港 " + s))
def test_evidence_always_maps_back_to_the_original(text: str) -> None:
    a = assess(text)
    for h in a.indicators:
        for s in h.evidence:
            assert text[s.start:s.end] == s.text


# -- the openers and stories of the romance and pig-butchering scams (issue 11), one text written
# for the test per indicator language and kind
ROMANCE = [
    ("Hi, is this Mike? Oh sorry, wrong number. You seem nice though", "scam.wrong_number_opener"),
    ("Maaf salah sambung ya kak, tapi boleh kenalan?", "scam.wrong_number_opener"),
    ("Maaf salah nombor, awak tinggal di mana?", "scam.wrong_number_opener"),
    ("Xin lỗi nhầm số, nhưng mình làm quen được không?", "scam.wrong_number_opener"),
    ("ขอโทษ ทักผิด แต่คุยกันต่อได้ไหมคะ", "scam.wrong_number_opener"),
    ("Sorry, wrong number po. Taga saan ka?", "scam.wrong_number_opener"),
    ("不好意思 加错了,不过可以交个朋友吗", "scam.wrong_number_opener"),
    ("I saw your profile and you seem kind, can we be friends?", "scam.stranger_friendliness"),
    ("Cho mình làm quen nhé, bạn ở đâu?", "scam.stranger_friendliness"),
    ("我有个导师带我们在一个平台投资,老师带单每天赚", "scam.mentor_platform"),
    ("Mentor investasi saya punya platform, gabung grup vip saham ya", "scam.mentor_platform"),
    ("อาจารย์สอนเทรดของฉันมีแพลตฟอร์ม", "scam.mentor_platform"),
    ("My love, the gift I sent is held at customs, please pay the clearance fee",
     "scam.customs_fee"),
    ("Sayang, paket hadiahnya tertahan di bea cukai, tolong bayar biaya bea cukai dulu",
     "scam.customs_fee"),
    ("Hadiah awak ditahan kastam, perlu bayar caj kastam", "scam.customs_fee"),
    ("Quà của em bị giữ tại hải quan, em đóng phí hải quan giúp anh", "scam.customs_fee"),
    ("ของขวัญติดศุลกากร ต้องจ่ายค่าธรรมเนียมศุลกากร", "scam.customs_fee"),
    ("Mahal, na-hold sa customs ang regalo, may clearance fee", "scam.customs_fee"),
    ("宝贝,礼物被海关扣了,要先交清关费", "scam.customs_fee"),
    ("I am a soldier on a peacekeeping mission and cannot access my money",
     "scam.abroad_persona"),
    ("Saya tentara Amerika, sedang bertugas di Suriah", "scam.abroad_persona"),
    ("Tôi là quân nhân Mỹ, đang làm nhiệm vụ ở Syria", "scam.abroad_persona"),
    ("ผมเป็นทหารอเมริกัน ประจำการอยู่ต่างประเทศ", "scam.abroad_persona"),
    ("Sundalo ako sa Syria ngayon", "scam.abroad_persona"),
    ("我是美军,在维和部队服役", "scam.abroad_persona"),
]


@pytest.mark.parametrize(("text", "expected"), ROMANCE)
def test_romance_and_pig_butchering_openers_are_red_flags(text: str, expected: str) -> None:
    found = ids(assess(text).indicators)
    assert expected in found, found


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("Ma, beliin dl pulsa 50rb di nmr baru aku ya, penting", True),
        ("Kak tolong kirimin plsa 25 rb ke no ini dulu, nanti aku ganti", True),
        ("Isi pulsa 20rb dapat bonus nelpon 60 menit, cek di *123#", False),
    ],
)
def test_a_relative_asking_for_phone_credit_to_a_number(text: str, fires: bool) -> None:
    assert ("scam.family_new_number" in ids(assess(text).indicators)) is fires


# -- the scam families whose real messages fired no red flag (issue 11). Texts written for the
# test, several languages per family; each must reach medium on its indicators alone.
FAMILIES = [
    # a "relative" with a new or borrowed number, in trouble, asking for phone credit
    ("Nak, ini papa pake nomor orang. Papa ada masalah, kirim pulsa 100rb secepatnya",
     "scam.family_new_number"),
    ("Ini makcik, makcik ada di balai polis sekarang. Tolong masukkan kredit RM20 ke nombor ni",
     "scam.family_new_number"),
    ("Hi, I'm using a friend's phone, mine broke. Can you top up my phone? I'll pay you back",
     "scam.family_new_number"),
    ("Mẹ ơi con mượn máy bạn, điện thoại con hỏng rồi, mẹ mua giúp con thẻ cào 200k nhé",
     "scam.family_new_number"),
    ("Tita, nasa presinto ako, hiram na cellphone lang 'to, padalhan mo ako agad",
     "scam.family_new_number"),
    ("妈,我换号了,手机坏了,先帮我充话费200", "scam.family_new_number"),
    # police, court or narcotics-bureau impersonation
    ("This is Inspector Tan calling from the police. You are a suspect in a fraud case and must "
     "move your savings to a safe account.", "scam.accused_of_crime"),
    ("Saya Sarjan Azmi dari Bukit Aman. Nama anda terlibat dalam satu kes, jangan beritahu "
     "sesiapa.", "scam.accused_of_crime"),
    ("Ini Bripka Joko dari Polsek Menteng. Rekening anda terlibat kasus penipuan, segera pindahkan "
     "dana ke rekening aman.", "scam.accused_of_crime"),
    ("Tôi là cán bộ công an quận 3, bạn là nghi phạm, hãy chuyển tiền vào tài khoản an toàn.",
     "scam.accused_of_crime"),
    ("ผมเป็นเจ้าหน้าที่ตำรวจจาก สภ.เมือง คุณเป็นผู้ต้องสงสัย ต้องโอนเงินเข้าบัญชีปลอดภัย",
     "scam.accused_of_crime"),
    ("这里是公安局,您涉嫌一宗案件,请把资金转入安全账户配合调查", "scam.accused_of_crime"),
    # traffic fine, toll, ETC card
    ("Final notice: you have an unpaid traffic fine. Pay within 24 hours to avoid penalties",
     "scam.traffic_fine_notice"),
    ("【ETC服务】您的ETC已过期,请点击链接重新认证,以免影响通行", "scam.traffic_fine_notice"),
    ("Bạn có biên bản vi phạm giao thông chưa nộp phạt, nộp càng sớm càng tốt",
     "scam.traffic_fine_notice"),
    ("Anda terkena e-tilang, denda tilang belum dibayar, segera bayar dalam 24 jam",
     "scam.traffic_fine_notice"),
    ("คุณมีใบสั่งจราจรที่ยังไม่ได้ชำระ กดลิงก์เพื่อชำระค่าปรับจราจร", "scam.traffic_fine_notice"),
    # parcel held, delivery failed, wrong address
    ("Your parcel could not be delivered: incomplete address. Tap here to reschedule your "
     "delivery.", "scam.parcel_problem"),
    ("Paket anda gagal dikirim karena alamat tidak lengkap. Perbarui alamat melalui link "
     "berikut.", "scam.parcel_problem"),
    ("您的包裹地址有误无法派送,请点此更新地址", "scam.parcel_problem"),
    ("Bungkusan anda tidak dapat dihantar, alamat tidak lengkap. Klik pautan ini untuk kemaskini.",
     "scam.parcel_problem"),
    ("Giao hàng không thành công do địa chỉ không chính xác, nhấn vào đường link để cập nhật",
     "scam.parcel_problem"),
    # bank: suspicious activity, account blocked, log in through the link
    ("BNI: Kami mendeteksi transaksi mencurigakan pada rekening anda. Silakan login melalui link "
     "berikut.", "scam.account_threat"),
    ("We detected suspicious activity on your account. Log in through the link to secure it.",
     "scam.account_threat"),
    ("Transaksi mencurigakan pada akaun anda. Sila log masuk melalui pautan berikut.",
     "scam.account_threat"),
    ("Phát hiện giao dịch bất thường, tài khoản sẽ bị khóa hôm nay. Truy cập link để xác thực "
     "ngay", "scam.account_threat"),
    ("您的账户检测到异常交易,请点击链接登录验证", "scam.account_threat"),
    # reward points expiring
    ("Poin anda akan kedaluwarsa besok, segera tukarkan poin anda", "scam.account_threat"),
    ("แต้มสะสมบัตรเครดิตของคุณจะหมดอายุสิ้นเดือนนี้ รีบแลกแต้มตอนนี้", "scam.account_threat"),
    ("Your reward points expire today - redeem them before midnight", "scam.account_threat"),
    ("您的积分即将清零,请尽快兑换", "scam.account_threat"),
    # government aid or a refund credited to an e-wallet
    ("You received a bill adjustment refund of P900. Confirm to credit it to your wallet",
     "scam.account_threat"),
    ("Bantuan tunai RM500 telah diluluskan untuk anda, sahkan segera", "scam.account_threat"),
    ("May refund sa GCash ka mula sa kuryente, i-claim bago mag-expire", "scam.account_threat"),
    ("คุณได้รับเงินคืนค่าไฟ 850 บาท", "scam.account_threat"),
    # prize: a "lucky customer"
    ("Anda pelanggan bertuah minggu ini, hadiah wang tunai RM5,000 menanti", "scam.prize"),
    ("Dear lucky customer, you are one of five selected today!", "scam.prize"),
    ("Kepada pelanggan beruntung bulan ini, silakan hubungi kami", "scam.prize"),
    ("您是本月幸运用户,可领取iPhone一台", "scam.prize"),
    # fake recruitment in the name of a big company, state enterprise or ministry
    ("Daftar dengan format REG.PLN/Nama lengkap/Alamat/No.KTP kirim via SMS",
     "recruit.fake_official_registration"),
    ("Tiket pesawat peserta wajib dipesan melalui travel agent yang ditunjuk panitia",
     "recruit.fake_official_registration"),
    ("Book your flight through our appointed travel agent before the interview",
     "recruit.fake_official_registration"),
    ("面试机票须通过指定旅行社购买", "recruit.fake_official_registration"),
    # an unsolicited "HR" offer of easy work from home, typing with a deposit
    ("Hi, my name is Anna from the HR department of a big online shop. We need part-time staff, "
     "work from home", "scam.unsolicited_hr_offer"),
    ("Halo, nama saya Dewi dari tim rekrutmen sebuah toko online. Kami mencari karyawan paruh "
     "waktu", "scam.unsolicited_hr_offer"),
    ("Chào bạn, mình là nhân viên phòng nhân sự, bên mình tuyển cộng tác viên làm tại nhà",
     "scam.unsolicited_hr_offer"),
    ("你好,我是人事部的小王,招聘兼职", "scam.unsolicited_hr_offer"),
    ("Kerja ketik di rumah, bayar deposit dulu Rp100rb", "scam.easy_side_income"),
    ("Kerja menaip dari rumah, bayar deposit RM50 dahulu", "scam.easy_side_income"),
    ("Online typing job, pay a deposit first to get the files", "scam.easy_side_income"),
    # a "lonely" stranger asking to be called
    ("Aku lagi kesepian nih, telepon aku ya di 0812 3456 7890", "scam.lonely_call_me"),
    ("So lonely tonight... call me on +63 917 555 1234", "scam.lonely_call_me"),
    ("Nalulungkot ako, tawagan mo ako sa 0917 555 1234", "scam.lonely_call_me"),
    ("Saya sunyi malam ni, call saya di 012-345 6789", "scam.lonely_call_me"),
]


@pytest.mark.parametrize(("text", "expected"), FAMILIES)
def test_each_scam_family_reaches_medium_on_its_indicators(text: str, expected: str) -> None:
    res = assess(text)
    assert expected in ids(res.indicators), ids(res.indicators)
    assert risk_score(res.indicators, res.entities).risk >= 40, ids(res.indicators)


@pytest.mark.parametrize(
    ("text", "second_cue"),
    [
        ("Rekrutmen BUMN 2026 resmi dibuka untuk lulusan SMA sederajat.",
         "Tiket wajib dipesan melalui travel agent yang ditunjuk."),
        ("Petronas is now hiring! Send your details to our recruiter.",
         "Pay the processing fee to confirm your slot."),
        ("Shopee kembali membuka pengambilan staf gudang di seluruh negara.",
         "Bayar yuran pendaftaran RM80 dahulu."),
    ],
)
def test_big_name_recruitment_is_a_weak_flag_that_needs_a_second_cue(
    text: str, second_cue: str
) -> None:
    # a real state enterprise announces its recruitment in the same words: alone it stays low
    alone = assess(text)
    assert "recruit.big_name_recruitment" in ids(alone.indicators)
    assert risk_score(alone.indicators, alone.entities).risk < 40
    both = assess(f"{text} {second_cue}")
    assert risk_score(both.indicators, both.entities).risk >= 40, ids(both.indicators)


def test_lonely_call_me_needs_a_number_to_call() -> None:
    with_number = assess("Aku kesepian, telepon aku di 0812 3456 7890")
    without = assess("Aku kesepian, telepon aku ya nanti malam")
    assert "scam.lonely_call_me" in ids(with_number.indicators)
    assert "scam.lonely_call_me" not in ids(without.indicators)


# warnings that DESCRIBE these families: the family's flag fires, but the text stays low
FAMILY_WARNINGS = [
    ("Police warn: scammers pose as officers and tell victims 'you are a suspect'. Never move "
     "money to a 'safe account'. Call 999 to check.", "scam.accused_of_crime"),
    ("Waspada penipuan! SMS 'paket gagal dikirim, alamat tidak lengkap' meminta korban klik "
     "tautan. Jangan klik link tersebut dan laporkan ke polisi.", "scam.parcel_problem"),
    ("警方提醒:诈骗短信称您的ETC已过期,要求点击链接认证,请勿点击,可拨打96110核实。",
     "scam.traffic_fine_notice"),
    ("Awas penipuan! Panggilan kononnya dari Bukit Aman mendakwa nama anda terlibat dalam kes. "
     "PDRM tidak akan meminta anda memindahkan wang.", "scam.accused_of_crime"),
]


@pytest.mark.parametrize(("text", "family"), FAMILY_WARNINGS)
def test_a_warning_describing_the_family_stays_low(text: str, family: str) -> None:
    res = assess(text)
    assert family in ids(res.indicators), ids(res.indicators)
    assert res.stance in ("warning", "report"), res.stance
    assert res.risk < 40, res.risk
