"""Networks (allow-list, hubs), stable ids and incremental linking on in-memory documents."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from waspada.errors import ConfigError
from waspada.link import LinkConfig, LinkDoc, link_documents
from waspada.link.allowlist import load_allowlist, parse_allowlist
from waspada.link.networks import link_networks

T0 = datetime(2024, 3, 1, 9, 0)
LURE = (
    "Lowongan kerja admin di Kamboja, gaji Rp {salary} per bulan, tiket pesawat dan visa "
    "ditanggung perusahaan, tanpa pengalaman, hubungi WA {phone} sekarang juga."
)
PRIZE = "Selamat! Nomor anda memenangkan hadiah undian {salary}. Klaim di {phone} hari ini."


def doc(i: int, template: str, phone: str, salary: str = "15.000.000", day: int = 0) -> LinkDoc:
    e164 = "+62" + phone.lstrip("0").replace("-", "")
    return LinkDoc(
        doc_id=f"doc{i:03d}",
        external_id=f"post-{i}",
        text=template.format(phone=phone, salary=salary),
        posted_at=T0 + timedelta(days=day),
        language="id",
        source="facebook",
        risk=70 + i % 20,
        identifiers=[("phone", e164)],
    )


@pytest.mark.parametrize(
    ("kind", "value", "allowed"),
    [
        ("phone", "+62110", True),  # Polri hotline with calling code
        ("phone", "110", True),
        ("phone", "+661300", True),  # Thai social assistance hotline
        ("phone", "+6281234567890", False),
        ("domain", "facebook.com", True),
        ("domain", "m.facebook.com", True),
        ("url", "https://t.me/", True),
        ("url", "https://t.me/kerja_kamboja", False),  # a platform URL naming one account links
        ("url", "https://www.bp2mi.go.id/berita/1", True),
        ("domain", "dmw.gov.ph", True),
        ("domain", "anything.go.th", True),
        ("email", "pengaduan@kemlu.go.id", True),
        ("email", "hrd.kamboja@gmail.com", False),
        ("domain", "kerja-kamboja.top", False),
        ("telegram", "kerja_kamboja", False),
    ],
)
def test_allowlist(kind: str, value: str, allowed: bool) -> None:
    assert load_allowlist().allows(kind, value) is allowed


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ([], "top level"),
        ({"hotlines": [{"number": 110}]}, "hotlines[0].number"),
        ({"hotlines": [{"number": "110", "country": "XX"}]}, "hotlines[0].country"),
        ({"platform_domains": "facebook.com"}, "platform_domains"),
        ({"agency_domains": ["bad domain"]}, "agency_domains[0]"),
    ],
)
def test_bad_allowlist_names_the_field(data: object, field: str) -> None:
    with pytest.raises(ConfigError, match=field.replace("[", r"\[").replace("]", r"\]")):
        parse_allowlist(data, "mine.yaml")


def test_hubs_and_allowlisted_identifiers_do_not_link() -> None:
    idents = [
        [("phone", "+6281111"), ("phone", "+62110")],  # network A + police hotline
        [("phone", "+6281111"), ("domain", "facebook.com")],
        [("phone", "+6282222"), ("phone", "+62110")],  # network B + police hotline
        [("phone", "+6282222"), ("phone", "+622150001234")],  # + a hub (in 4 docs)
        [("phone", "+622150001234"), ("domain", "facebook.com")],
        [("phone", "+622150001234")],
        [("phone", "+622150001234"), ("money", "IDR 5000000")],
    ]
    g = link_networks(idents, max_df=3)
    lab = g.labels.tolist()
    assert lab[0] == lab[1]
    assert lab[2] == lab[3]
    assert lab[0] != lab[2]
    assert len({lab[4], lab[5], lab[6], lab[0], lab[2]}) == 5
    assert {g.vocab[j] for j in g.hubs} == {("phone", "+622150001234")}
    # without the cap the hub glues B and three more documents together
    lab2 = link_networks(idents, max_df=100).labels.tolist()
    assert lab2[2] == lab2[4] == lab2[5] == lab2[6] != lab2[0]


def test_campaigns_survive_identifier_and_salary_changes() -> None:
    docs = [
        doc(1, LURE, "0812-3456-7890", "15.000.000", 0),
        doc(2, LURE, "0857-1111-2222", "20.000.000", 3),
        doc(3, LURE, "0813-9999-0000", "12.500.000", 5),
        doc(4, PRIZE, "0821-5555-6666", "Rp 100 juta", 1),
        doc(5, PRIZE, "0822-7777-8888", "Rp 50 juta", 2),
    ]
    r = link_documents(docs)
    c = r.state.campaign
    assert c[0] == c[1] == c[2] is not None
    assert c[3] == c[4] is not None and c[3] != c[0]
    big = r.campaigns[0]
    assert big.size == 3 and big.first_seen == T0 and big.last_seen == T0 + timedelta(days=5)
    assert big.countries == {"ID": 3} and big.languages == {"id": 3}
    assert big.max_risk == 73 and abs(big.mean_risk - 72.0) < 1e-9
    # different phones everywhere: no networks
    assert r.networks == []


def test_ids_are_stable_across_incremental_runs_and_merges_keep_the_older_id() -> None:
    first = [doc(1, LURE, "0812-3456-7890", day=2), doc(2, LURE, "0857-1111-2222", day=4)]
    r1 = link_documents(first)
    cid = r1.state.campaign[0]
    assert cid is not None and cid.startswith("c-")
    # an older post of the same template arrives later, and a prize SMS sharing doc 2's phone
    later = [
        doc(3, LURE, "0813-9999-0000", day=0),
        LinkDoc(
            "doc004", "post-4", PRIZE.format(phone="0857-1111-2222", salary="Rp 5 juta"),
            T0 + timedelta(days=6), "id", "sms", 40, [("phone", "+628571111222" + "2")],
        ),
    ]  # fmt: skip
    r2 = link_documents(later, r1.state)
    assert r2.new_docs == 2
    assert r2.state.campaign[:2] == [cid, cid]  # old ids unchanged
    assert r2.state.campaign[2] == cid  # the new document joined
    assert r2.state.network[1] == r2.state.network[3] is not None
    # re-linking the same documents changes nothing
    r3 = link_documents(first + later, r2.state)
    assert r3.new_docs == 0 and r3.state.campaign == r2.state.campaign
    assert r3.state.network == r2.state.network


def test_merge_of_two_campaigns_records_the_absorbed_id() -> None:
    # two networks (phones A and B) that a new document mentioning both bridges
    a = doc(1, LURE, "0812-0000-0001", day=0)
    b = doc(2, PRIZE, "0812-0000-0002", day=1)
    a2 = doc(3, "Info loker: {phone} {salary}", "0812-0000-0001", day=2)
    b2 = doc(4, "Kontak {phone} {salary} segera", "0812-0000-0002", day=3)
    r1 = link_documents([a, b, a2, b2])
    na, nb = r1.state.network[0], r1.state.network[1]
    assert na and nb and na != nb
    bridge = LinkDoc(
        "doc005",
        "post-5",
        "hubungi kami",
        T0 + timedelta(days=9),
        identifiers=[("phone", "+6281200000001"), ("phone", "+6281200000002")],
    )
    r2 = link_documents([bridge], r1.state)
    assert set(r2.state.network) == {na}  # the older network's id is kept
    assert ("network", nb, na) in r2.merges


def test_incremental_equals_one_batch() -> None:
    docs = [doc(i, LURE if i % 2 else PRIZE, f"0812-0000-{i:04d}", day=i) for i in range(12)]
    one = link_documents(docs).state
    inc = link_documents(docs[6:], link_documents(docs[:6]).state).state
    by_id_one = dict(zip([d.doc_id for d in one.docs], one.campaign, strict=True))
    by_id_inc = dict(zip([d.doc_id for d in inc.docs], inc.campaign, strict=True))
    assert by_id_one == by_id_inc


def test_config_is_checked() -> None:
    with pytest.raises(ConfigError, match="threshold"):
        LinkConfig(threshold=0)
    with pytest.raises(ConfigError, match="num_perm 60"):
        LinkConfig(num_perm=60, bands=16)


def test_time_rank_orders_by_time_then_id_with_undated_last() -> None:
    from datetime import timezone

    from waspada.link.ids import time_rank

    posted = [
        datetime(2024, 1, 2),
        None,
        datetime(1, 1, 1),
        datetime(2024, 1, 1, 12, tzinfo=timezone(timedelta(hours=7))),  # 05:00 UTC
        datetime(2024, 1, 2),
    ]
    assert time_rank(posted, ["e", "b", "c", "d", "a"]).tolist() == [3, 4, 0, 1, 2]


A_TEXT = ("Lowongan kerja admin di Kamboja gaji besar tiket pesawat dan visa ditanggung perusahaan "
          "tanpa pengalaman kerja asrama gratis makan tiga kali sehari kontrak dua tahun bonus "
          "bulanan langsung berangkat minggu depan hubungi kami sekarang")  # fmt: skip
B_TEXT = ("Selamat nomor anda terpilih sebagai pemenang undian berhadiah mobil baru dari bank "
          "silakan klaim hadiah dengan membayar pajak administrasi terlebih dahulu melalui "
          "transfer ke rekening panitia resmi sebelum batas waktu berakhir")  # fmt: skip


def test_a_campaign_does_not_chain_texts_that_are_not_near_duplicates() -> None:
    from waspada.link.mask import mask_text, shingle_set

    wa, wb = A_TEXT.split(), B_TEXT.split()  # A turns into B a word block at a time
    texts = [" ".join(wb[: k * len(wb) // 10] + wa[k * len(wa) // 10 :]) for k in range(11)]
    sets = [shingle_set(mask_text(t)) for t in texts]

    def jac(i: int, j: int) -> float:
        return len(sets[i] & sets[j]) / len(sets[i] | sets[j])

    assert jac(0, 10) < 0.1  # the ends are unrelated ...
    assert sum(jac(i, i + 1) >= 0.7 for i in range(10)) >= 8  # ... through near-duplicates
    docs = [LinkDoc(f"m{i:02d}", text=t, posted_at=T0 + timedelta(hours=i))
            for i, t in enumerate(texts)]  # fmt: skip
    for state in (
        link_documents(docs).state,
        link_documents(docs[5:], link_documents(docs[:5]).state).state,  # incremental
    ):
        groups: dict[str, list[int]] = {}
        for i, c in enumerate(state.campaign):
            if c is not None:
                groups.setdefault(c, []).append(i)
        assert groups, "the near-duplicate steps still form campaigns"
        for members in groups.values():  # every member is a near-duplicate of the earliest
            assert all(jac(members[0], j) >= 0.5 for j in members), members
        assert state.campaign[0] is None or state.campaign[0] != state.campaign[10]
