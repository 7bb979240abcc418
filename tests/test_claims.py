"""Claims that hold: what is a copy, what is formula or a template, facts that differ,
agency credits. Each case is a small collection run through the real pipeline."""

import random

from hypothesis import given, settings as hsettings, strategies as st

from newstrace.credits import agency_credits
from newstrace.pipeline import detect_reuse, trace_provenance
from newstrace.model import Article, WordOp
from newstrace.significance import facts_of, significance
from newstrace.model import IngestSummary
from newstrace.store import open_store

def filler(seed: int, sentences: int = 6) -> str:
    """Sentences of made-up words that no other article shares."""
    rng = random.Random(seed)
    word = lambda: "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))
    return " ".join(" ".join(word() for _ in range(rng.randint(8, 14))).capitalize() + "." for _ in range(sentences))


def traced(tmp_path, articles: list[Article]):
    store = open_store(tmp_path / "claims.db")
    store.add_batch(articles, None, IngestSummary())
    detect_reuse(store)
    trace_provenance(store)
    return store


def article(i: str, text: str, date: str, source: str) -> Article:
    return Article(id=i, text=text, title=i, published=date, source=source)


STORY = ("Russian Defence Ministry spokesman Igor Konashenkov said the bombers struck an ammunition depot "
         "and a command post of the militants near the town of Talbiseh, destroying armoured vehicles "
         "and a workshop where car bombs were assembled, according to the ministry's briefing in Moscow.")


def test_a_copy_with_a_changed_number_and_a_swapped_actor_is_a_copy_with_facts_that_differ(tmp_path):
    source = STORY.replace("the militants", "the militants, killing 15 fighters,")
    copy = (STORY.replace("the militants", "the militants, killing 16 fighters,")
            .replace("Igor Konashenkov", "Igor Shoygu"))
    store = traced(tmp_path, [article("first", f"{filler(1)} {source} {filler(2)}", "2015-09-30", "Agency"),
                              article("second", f"{filler(3)}\n\nBy the Agency\n\n{copy} {filler(4)}", "2015-10-01",
                                      "Daily")])
    sig = store.signals("second")
    assert sig["copied_from"] == ["first"]
    facts = {(f["kind"], f["this"], f["source"]) for f in sig["facts_differ"]}
    assert ("number", "16", "15") in facts
    assert ("person", "Shoygu", "Konashenkov") in facts
    # A changed fact is never spin.
    assert not {(w["source_word"], w["copy_word"]) for w in sig["swaps"]} & {("15", "16"), ("Konashenkov", "Shoygu")}
    assert sig["spin_rate"] == 0.0
    # The report locates each fact in both texts.
    from newstrace.report import article_report
    report = article_report(store, "second")
    text = store.article("second").text
    first = store.article("first").text
    for f in report["signals"]["facts_differ"]:
        assert text[f["start"]:f["end"]] == f["this"] and first[f["source_start"]:f["source_end"]] == f["source"]


def test_a_template_of_another_event_is_no_copy(tmp_path):
    """The same agency formula told of different attacks: its frame recurs in the collection,
    and the reports differ at the facts that identify the event."""
    articles = template_reports()
    store = traced(tmp_path, articles)
    for a in articles:
        sig = store.signals(a.id)
        assert sig["sources"] == [] and sig["copied_from"] == [] and sig["recycled"] == [], sig
    # Of different outlets, so it is not one outlet's house text either.
    assert {c["kind"] for c in store.clusters()} == {"template"}


def test_stock_phrases_and_bylines_are_formula():
    byline = [WordOp("exact", w, w) for w in
              "Reporting by Jonathan Stempel in New York Editing by Lisa Von Ahn and Richard Chang".split()]
    judged = significance(byline)
    assert judged.kind == "formula" and "credit line" in judged.reason
    # A phrase held by many articles of the collection, whatever its words.
    stock = [WordOp("exact", w, w) for w in
             "who spoke on condition of anonymity because they were not authorized to speak publicly".split()]
    assert significance(stock, [60] * len(stock)).kind == "formula"
    # The same words held only by the two articles: text they share, but one clause is
    # too little to say one took it from the other; two sentences of it are a copy.
    assert significance(stock, [2] * len(stock)).kind == "phrase"
    more = stock + [WordOp("exact", w, w) for w in "about the talks with the union over pensions".split()]
    assert significance(more, [2] * len(more)).kind == "copy"
    # A name with its title is facts, not wording.
    title = [WordOp("exact", w, w) for w in "said Republican presidential nominee Donald J. Trump of New York".split()]
    assert significance(title).kind == "formula"


def test_a_stock_phrase_in_a_collection_is_no_copy(tmp_path):
    phrase = ("the people spoke on condition of anonymity because they were not authorized to discuss "
              "the matter publicly and declined to give further details about the talks")
    articles = [article(f"a{k}", f"{filler(100 + k)} Officials met on Friday, {phrase}. {filler(200 + k)}",
                        f"2016-03-{k + 1:02d}", f"Outlet {k}") for k in range(24)]
    store = traced(tmp_path, articles)
    for k in range(1, 24):
        assert store.signals(f"a{k}")["copied_from"] == []


def test_agency_credits_and_a_common_source(tmp_path):
    wire = ("Twin blasts struck a security checkpoint at the entrance of the coastal city of Jableh on "
            "Monday morning, killing dozens of people and wounding scores more, a monitoring group and "
            "state television reported, in the deadliest attack on the government heartland this year.")
    store = traced(tmp_path, [
        article("paper-a", f"{filler(7)} BEIRUT, May 23 (AFP) - {wire} {filler(8)}", "2016-05-23", "Gulf Times"),
        article("paper-b", f"{filler(9)} {wire} — AFP {filler(5)}", "2016-05-24", "Daily Star"),
    ])
    sig = store.signals("paper-b")
    assert [c["agency"] for c in sig["credits"]] == ["AFP"]
    assert sig["common_sources"] == ["AFP"] and sig["copied_from"] == []
    assert sig["sources"] == ["paper-a"]  # the text appeared there first: still said
    cluster = store.clusters("paper-b")[0]
    assert cluster["ordering"].startswith("common source: AFP")
    text = store.article("paper-a").text
    assert [text[c["start"]:c["end"]] for c in store.signals("paper-a")["credits"]] == ["AFP"]


def test_agency_credits_in_their_usual_forms():
    found = lambda t: [c.agency for c in agency_credits(t)]
    assert found("DAMASCUS, (SANA) – Army units") == ["SANA"]
    assert found("LONDON (Reuters) - Shares fell") == ["Reuters"]
    assert found("AFP Tuesday 3 Oct 2017") == ["AFP"]
    assert found("Rami Abdel Rahman told AFP.") == ["AFP"]
    assert found("the state news agency SANA reported") == ["SANA"]
    assert found("according to the Associated Press") == ["AP"]
    # Named, not credited: a poll by the agency, an interview.
    assert found("in a Reuters poll of analysts") == []


def test_facts_are_numbers_names_and_dates_not_capitalised_common_words():
    ops = [WordOp("exact", "in", "in"), WordOp("substituted", "Raqqa", "Aleppo"), WordOp("exact", "on", "on"),
           WordOp("substituted", "Tuesday", "Monday"), WordOp("exact", "and", "and"),
           WordOp("substituted", "16", "15"), WordOp("exact", "people", "people"),
           WordOp("substituted", "billion", "bln"), WordOp("exact", "the", "the"),
           WordOp("substituted", "Woo", "Court")]
    assert [(op.a, kind) for _, op, kind in facts_of(ops)] == [("Raqqa", "place"), ("Tuesday", "date"),
                                                               ("16", "number")]


def template_reports(n: int = 40) -> list[Article]:
    """An agency's formula for an attack, told of ``n`` different attacks: places, tolls and
    days differ, the frame recurs in every report."""
    places = ["Aleppo", "Raqqa", "Homs", "Idlib", "Hama", "Daraa", "Latakia", "Tartus", "Qamishli", "Palmyra"]
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    reports = []
    for k in range(n):
        place = places[k % len(places)]
        text = (f"A civilian was killed while {k + 11} others were injured in a terrorist rocket attack on "
                f"{place} city on {days[k % len(days)]}, a source at {place} Police Command told the agency, "
                f"adding that the attack caused material damage to public and private properties in the "
                f"neighbourhood.")
        reports.append(article(f"report-{k:02d}", f"{filler(10 + k)} {text} {filler(300 + k)}",
                               f"2014-{k // 28 + 1:02d}-{k % 28 + 1:02d}", f"Outlet {k}"))
    return reports


def test_judgements_do_not_depend_on_the_order_articles_arrive_in(tmp_path):
    copy = STORY.replace("the militants", "the militants, killing 16 fighters,")
    articles = template_reports(12) + [
        article("first", f"{filler(1)} {STORY} {filler(2)}", "2015-09-30", "Agency"),
        article("second", f"{filler(3)} {copy} {filler(4)}", "2015-10-01", "Daily")]
    seen = []
    for k, order in enumerate((articles, articles[::-1], articles[3:] + articles[:3])):
        (tmp_path / str(k)).mkdir()
        store = traced(tmp_path / str(k), order)
        seen.append(([(c["kind"], c["size"], [(s["article"], s["start"], s["end"]) for s in c["spans"]])
                      for c in store.clusters()],
                     {a.id: store.signals(a.id) for a in articles}))
    assert seen[0] == seen[1] == seen[2]
    assert {kind for kind, _, _ in seen[0][0]} >= {"reuse", "template"}


@hsettings(max_examples=50, deadline=None)
@given(st.lists(st.integers(2, 200), min_size=12, max_size=12), st.lists(st.integers(0, 400), min_size=12, max_size=12))
def test_more_articles_never_make_a_formula_a_copy(counts, extra):
    """Unrelated articles can only raise the counts of the phrases around a passage's words."""
    words = "who spoke on condition of anonymity because they were not authorized to talk".split()
    ops = [WordOp("exact", w, w) for w in words]
    before = significance(ops, counts)
    after = significance(ops, [c + more for c, more in zip(counts, extra)])
    assert after.information <= before.information or after.kind != "copy"
    assert before.kind == "copy" or after.kind != "copy"


# --- what the texts say of their sources: quotations, credited outlets, stated dates ------

STATEMENT = ("We will not rest until every family displaced by the floods along the river valley has a "
             "roof, clean water and the money our government promised them in the spring, and I will "
             "hold every ministry to account for each week of delay")


def test_a_quotation_both_take_from_the_speaker_is_no_copy(tmp_path):
    store = traced(tmp_path, [
        article("daily", f"{filler(5)}\n\n“{STATEMENT},” the prime minister Anna Reyes said on Monday.\n\n{filler(6)}",
                "2016-05-02", "Daily"),
        article("herald", f"{filler(7)}\n\nSpeaking at the rally, Reyes was blunt: “{STATEMENT}.”\n\n{filler(8)}",
                "2016-05-04", "Herald")])
    assert [c["kind"] for c in store.clusters()] == ["quotation"]
    sig = store.signals("herald")
    assert sig["copied_from"] == [] and sig["sources"] == [] and sig["claims"] == []
    # Had the second told the story around the words as the first did, it would be a copy.
    told = f"“{STATEMENT},” the prime minister Anna Reyes said on Monday after touring the flooded towns of the north."
    (tmp_path / "b").mkdir()
    store = traced(tmp_path / "b", [article("daily", f"{filler(5)}\n\n{told}\n\n{filler(6)}", "2016-05-02", "Daily"),
                                    article("herald", f"{filler(7)}\n\nFrom the Daily: {told}\n\n{filler(8)}",
                                            "2016-05-04", "Herald")])
    assert store.signals("herald")["copied_from"] == ["daily"]


def test_a_few_shared_words_are_no_copied_from_claim(tmp_path):
    sentence = "Last May a federal judge handling the lawsuit ordered the department to make monthly releases of the files."
    more = " The releases have shown that aides forwarded dozens of messages about the embassy to her private account."
    store = traced(tmp_path, [article("early", f"{filler(11)} {sentence}{more} {filler(12)}", "2016-01-10", "Herald"),
                              article("late", f"{filler(13)} {sentence}{more} {filler(14)}", "2016-02-19", "Daily")])
    sig = store.signals("late")
    assert sig["sources"] == ["early"]  # two sentences are reused text...
    [claim] = sig["claims"]  # ...but no claim that one outlet copied the other
    assert claim["confidence"] == "low" and "too few" in claim["evidence"] and sig["copied_from"] == []
    # One sentence is a phrase both use: text they share, no reuse of one from the other.
    (tmp_path / "one").mkdir()
    store = traced(tmp_path / "one", [article("early", f"{filler(11)} {sentence} {filler(12)}", "2016-01-10", "Herald"),
                                      article("late", f"{filler(13)} {sentence} {filler(14)}", "2016-02-19", "Daily")])
    assert [c["kind"] for c in store.clusters()] == ["phrase"] and store.signals("late")["sources"] == []


def test_background_told_again_in_other_words_is_restated_not_shared_text(tmp_path):
    """An agency retelling its own background in a later story shares words, not text: a short
    passage whose words align loosely, or a clause reworded inside sentences told otherwise."""
    loose = ("Fisker has fired 75 percent of its workforce and hired bankruptcy advisors. It has not built "
             "a car since July.", "Fisker fired the bulk of its workforce to save cash. The company has not "
             "built a car since July.")
    clause = ("Analysts said on Monday that Amazon.com Inc founder Jeff Bezos bought The Washington Post for "
              "$250 million, a deal few had foreseen.", "Shares rose after Amazon.com Inc founder Jeff Bezos "
              "will buy the Washington Post newspaper for $250 million and others followed.")
    for k, (one, other) in enumerate((loose, clause)):
        (tmp_path / str(k)).mkdir()
        store = traced(tmp_path / str(k), [article("early", f"{filler(21)} {one} {filler(22)}", "2013-08-01", "Wire"),
                                           article("late", f"{filler(23)} {other} {filler(24)}", "2013-08-09", "Wire")])
        assert [c["kind"] for c in store.clusters()] == ["restated"], (one, store.clusters())
        assert store.signals("late")["sources"] == []
    # Among the other passages of a reprint, a loose one is a piece of it, edited.
    (tmp_path / "reprint").mkdir()
    store = traced(tmp_path / "reprint", [
        article("early", f"{filler(21)} {STORY} {filler(25)} {loose[0]} {filler(22)}", "2013-08-01", "Wire"),
        article("late", f"{filler(23)} {STORY} {filler(26)} {loose[1]} {filler(24)}", "2013-08-09", "Paper")])
    assert "restated" not in {c["kind"] for c in store.clusters()} and store.signals("late")["sources"] == ["early"]
    # The clause copied word for word, or whole sentences lightly edited, stays shared text.
    sentence = "Amazon.com Inc founder Jeff Bezos bought The Washington Post for $250 million in cash."
    verbatim = f"Shares rose after {sentence[:-9]} and others followed."
    edited = sentence.replace("bought", "has bought").replace(" in cash", "")
    for k, other in enumerate((verbatim, edited)):
        (tmp_path / f"kept{k}").mkdir()
        store = traced(tmp_path / f"kept{k}", [article("early", f"{filler(21)} {sentence} {filler(22)}", "2013-08-01", "Wire"),
                                               article("late", f"{filler(23)} {other} {filler(24)}", "2013-08-09", "Wire")])
        assert [c["kind"] for c in store.clusters()] == ["phrase"], (other, store.clusters())


def test_an_ocr_reprint_garbled_by_the_scanner_is_no_restatement():
    """Loose alignment in OCR'd text is the scanner's, not a writer's rewording."""
    clean = ("The crown prince's offensive in the Verdun region is showing signs of slackening, the war office "
             "announced this afternoon. No attacks were made during the night, it was stated").split()
    scanned = ("Tho crown prlnce'a offensive In the Verdun re glon in showing signs of slackening, tho War Ofllce "
               "announced this after noon. No attacks -wero made during the night, it wsia stated").split()
    from newstrace.align import Document, align
    [passage] = align(Document.from_text("a", " ".join(scanned)), Document.from_text("b", " ".join(clean)))
    assert passage.similarity < 0.75 and significance(passage.ops).kind == "copy"


def test_an_earlier_text_crediting_the_later_outlet_is_no_source_of_it(tmp_path):
    """A site reprints the Times's poll the day before the Times's print edition is dated."""
    poll = " ".join([STORY, STORY.replace("Talbiseh", "Rastan").replace("bombers", "jets")])
    store = traced(tmp_path, [
        article("site", f"{filler(15)} According to a poll conducted by The New York Times, {poll} {filler(16)}",
                "2016-07-14", "west-journal"),
        article("times", f"{filler(17)} {poll} {filler(18)}", "2016-07-15", "nyt")])
    sig = store.signals("times")
    [claim] = sig["claims"]
    assert claim["parent"] == "site" and claim["confidence"] == "low" and "The New York Times" in claim["evidence"]
    assert sig["copied_from"] == []
    [cluster] = store.clusters()
    assert "site credits The New York Times, the outlet of times" in cluster["ordering"]


def test_a_wrong_metadata_date_is_flagged_and_orders_no_claim(tmp_path):
    poll = " ".join([STORY, STORY.replace("Talbiseh", "Rastan").replace("bombers", "jets")])
    store = traced(tmp_path, [
        article("agency", f"DAMASCUS, 26 Oct 2016 (Herald) - {poll} {filler(19)}", "2016-10-22", "Herald"),
        article("paper", f"{filler(20)} {poll} {filler(21)}", "2016-10-26", "Daily")])
    assert "2016-10-26" in store.signals("agency")["date_doubt"]
    [claim] = store.signals("paper")["claims"]
    assert claim["confidence"] == "low" and "date in doubt" in claim["evidence"]
    assert [e["confidence"] for e in store.signals("paper")["earliest"]] == ["low"]
    assert any("order is in doubt" in c["ordering"] for c in store.clusters())


def test_dates_a_day_apart_make_a_claim_of_medium_confidence(tmp_path):
    poll = " ".join([STORY, STORY.replace("Talbiseh", "Rastan").replace("bombers", "jets")])
    store = traced(tmp_path, [article("one", f"{filler(22)}\n\nHerald — {poll}", "2016-03-03", "Herald"),
                              article("two", f"{filler(23)} {poll}", "2016-03-04", "Daily"),
                              article("three", f"{filler(24)} {poll}", "2016-03-09", "Courier")])
    claims = {c["parent"]: c["confidence"] for c in store.signals("two")["claims"]}
    assert claims == {"one": "medium"} and store.signals("two")["copied_from"] == ["one"]
    assert [c["confidence"] for c in store.signals("three")["claims"]] == ["high"]
    # The earliest-source claims say as much.
    assert [(e["source"], e["confidence"]) for e in store.signals("two")["earliest"]] == [("one", "medium")]
    assert [(e["source"], e["confidence"]) for e in store.signals("three")["earliest"]] == [("one", "high")]


def test_stated_dates():
    from newstrace.dates import date_doubt, stated_date

    assert stated_date("DAMASCUS, Oct 26 (SANA) - Troops advanced.", published="2016-10-22").day == "2016-10-26"
    assert stated_date("WASHINGTON, D. C., SATURDAY, JANUARY 1, 1916. Congress met.").day == "1916-01-01"
    text = "Troops advanced, a rebel commander told AFP Tuesday 3 Oct 2017 in a call."
    assert stated_date(text, tuple(agency_credits(text))).day == "2017-10-03"
    # An event the lead reports is not the article's date, nor is a date its weekday contradicts.
    assert stated_date("On May 3 the council met.", published="2016-05-01") is None
    assert stated_date("BERLIN, Monday 3 Oct 2017 - x") is None
    # A date after a credit is the credit's only when told as one, and read to its year.
    told = "guards were refused,” Fox News reported.\n\nIn the July 9, 2012, cable, he wrote."
    assert stated_date(told, tuple(agency_credits(told)), "2016-05-02") is None
    credit = "The army advanced, an officer told AFP Tuesday 3 October 2017"
    assert stated_date(credit, tuple(agency_credits(credit)), "2016-05-02").day == "2017-10-03"
    assert date_doubt("2016-07-14", stated_date("NEW YORK, July 14 (Reuters) - x", published="2016-07-14")) is None


def test_outlets_named_in_the_input_by_their_forms():
    from newstrace.credits import organisation

    assert organisation("nyt") == organisation("www.nytimes.com") == "The New York Times"
    assert organisation("huff-post") == "HuffPost" and organisation("Daily Planet") is None
    assert [c.agency for c in agency_credits("in an interview with the AP, he told The Associated Press")] == ["AP"]


def test_the_article_page_shows_each_claim_with_its_confidence_and_a_shared_quotation(tmp_path):
    from fastapi.testclient import TestClient

    from newstrace.pipeline import collect_quotes
    from newstrace.web import create_app

    poll = " ".join([STORY, STORY.replace("Talbiseh", "Rastan").replace("bombers", "jets")])
    store = traced(tmp_path, [
        article("daily", f"{filler(25)}\n\n“{STATEMENT},” Anna Reyes said.\n\n{filler(26)}\n\nDaily — {poll}",
                "2016-05-02", "Daily"),
        article("herald", f"{filler(27)}\n\nReyes said: “{STATEMENT}.”\n\n{filler(28)} {poll}", "2016-05-09", "Herald")])
    collect_quotes(store)
    store.close()
    client = TestClient(create_app(tmp_path / "claims.db"))
    page = client.get("/articles/herald").text
    assert "copied from" in page and "high confidence" in page
    assert "a quotation both took from its speaker: <a href=\"/quotes/" in page
    data = client.get("/articles/herald.json").json()
    kinds = {c["kind"] for c in data["clusters"]}
    assert kinds == {"reuse", "quotation"}
    [quoted] = [c for c in data["clusters"] if c["kind"] == "quotation"]
    assert quoted["copied_from"] is None and quoted["quoted"][0][0] == "Anna Reyes"
    # The link leads to the quotation's group, where both articles quote her.
    group = client.get(f"/quotes/{quoted['quoted'][0][1]}.json").json()
    assert {v["article"] for v in group["variants"]} == {"daily", "herald"} and group["speakers"] == ["Anna Reyes"]


def test_clusters_command_by_kind_shows_a_copy_tree_only_for_reuse(tmp_path, capsys):
    import json

    from newstrace.cli import main

    poll = " ".join([STORY, STORY.replace("Talbiseh", "Rastan").replace("bombers", "jets")])
    store = traced(tmp_path, [
        article("daily", f"{filler(29)}\n\n“{STATEMENT},” Anna Reyes said.\n\n{filler(30)} {poll}", "2016-05-02", "Daily"),
        article("herald", f"{filler(31)}\n\nReyes said: “{STATEMENT}.”\n\n{filler(32)} {poll}", "2016-05-09", "Herald")])
    store.close()
    db = str(tmp_path / "claims.db")
    assert main(["clusters", "--db", db, "--kind", "quotation", "--json"]) == 0
    assert [c["kind"] for c in json.loads(capsys.readouterr().out)] == ["quotation"]
    assert main(["clusters", "--db", db]) == 0
    listing = capsys.readouterr().out
    quotation, reuse = (listing.split("cluster ")[1:][k] for k in
                        sorted(range(2), key=lambda k: "(reuse)" in listing.split("cluster ")[1:][k]))
    assert "<-" not in quotation and "herald <- daily" in reuse
    assert main(["clusters", "--db", db, "--kind", "copies"]) == 2


def test_copied_from_another_outlet_needs_what_ties_the_copy_to_it(tmp_path):
    """Two papers printing one dispatch with no credit may both have had it from the wire: the
    earlier is the earliest source, but "copied from" it needs the copy to credit it, the
    earlier text to be its outlet's own (credited in it), or the copy to carry its rewording."""
    dispatch = " ".join([STORY, STORY.replace("Talbiseh", "Rastan").replace("bombers", "jets")])
    store = traced(tmp_path, [article("wire", f"{filler(41)}\n\n{dispatch}", "1916-01-05", "Ogden standard"),
                              article("paper", f"{filler(42)}\n\n{dispatch}", "1916-01-07", "Omaha daily bee")])
    sig = store.signals("paper")
    assert sig["sources"] == ["wire"] and sig["copied_from"] == []
    [claim] = sig["claims"]
    assert claim["confidence"] == "low" and "nothing ties this copy to Ogden standard" in claim["evidence"]
    assert [(e["source"], e["confidence"]) for e in sig["earliest"]] == [("wire", "high")]
    # The copy crediting the earlier paper, or the earlier text crediting its own paper, ties them.
    for n, (first, later) in enumerate([(dispatch, f"(Ogden Standard) {dispatch}"),
                                        (f"OGDEN STANDARD — {dispatch}", dispatch)]):
        (tmp_path / str(n)).mkdir()
        store = traced(tmp_path / str(n), [
            article("wire", f"{filler(41)}\n\n{first}", "1916-01-05", "Ogden standard"),
            article("paper", f"{filler(42)}\n\n{later}", "1916-01-07", "Omaha daily bee")])
        [claim] = store.signals("paper")["claims"]
        assert claim["confidence"] == "high" and store.signals("paper")["copied_from"] == ["wire"], claim
    # A name elsewhere in the text, far from the passage, credits nothing there.
    (tmp_path / "far").mkdir()
    store = traced(tmp_path / "far", [
        article("wire", f"{filler(41)}\n\n{dispatch}", "1916-01-05", "Ogden standard"),
        article("paper", f"(Ogden Standard) {filler(43, 12)}\n\n{dispatch}", "1916-01-07", "Omaha daily bee")])
    assert store.signals("paper")["copied_from"] == []


def test_a_copy_carrying_an_earlier_copys_rewording_copied_that_copy(tmp_path):
    """The stemma's shared innovation: of two spun copies of a wire story, the one that says
    "vessel" where the wire and its reprint say "ship" took it from the first copy; a copy
    spinning the wire its own way is tied to no one but the wire. Against one earlier copy
    alone, two papers agreeing where it differs carry nothing of each other: the change may
    be that copy's own."""
    wire = ("The cargo ship carrying forty thousand tonnes of fuel oil ran aground on the reef before dawn "
            "on Monday, and officials said the damaged hull was leaking oil into the sea near the fishing "
            "villages of the northern coast, where the crew waited hours for rescue boats to arrive.")
    spun = (wire.replace("cargo ship", "cargo vessel").replace("damaged hull", "ruined hull")
            .replace("officials said", "authorities said").replace("waited hours", "waited a long time"))
    other = wire.replace("cargo ship", "freight ship").replace("fishing villages", "angling villages") \
        .replace("rescue boats", "lifeboats")
    store = traced(tmp_path, [
        article("wire", f"{filler(44)}\n\nMeridian Press — {wire}\n\n{filler(45)}", "2026-03-01", "Meridian Press"),
        article("reprint", f"{filler(52)}\n\nBy Meridian Press\n\n{wire}\n\n{filler(53)}", "2026-03-02", "Courier"),
        article("spun", f"{filler(46)}\n\n{spun}\n\n{filler(47)}", "2026-03-03", "NewsFlash"),
        article("again", f"{filler(48)}\n\n{spun}\n\n{filler(49)}", "2026-03-05", "ViralDaily"),
        article("own", f"{filler(50)}\n\n{other}\n\n{filler(51)}", "2026-03-06", "Buzz")])
    claims = {c["parent"]: c for c in store.signals("again")["claims"]}
    assert claims["spun"]["confidence"] == "high" and "rewordings" in claims["spun"]["evidence"]
    assert store.signals("spun")["copied_from"] == ["wire"]  # the wire's own text, credited in it
    assert store.signals("own")["copied_from"] == ["wire"]
    assert all(c["confidence"] == "low" for c in store.signals("own")["claims"] if c["parent"] != "wire")
    # One earlier paper edited the dispatch; two later papers print it as the wire sent it.
    (tmp_path / "one").mkdir()
    store = traced(tmp_path / "one", [
        article("edited", f"{filler(44)}\n\n{spun}\n\n{filler(45)}", "2026-03-01", "Gazette"),
        article("first", f"{filler(46)}\n\n{wire}\n\n{filler(47)}", "2026-03-03", "Herald"),
        article("later", f"{filler(48)}\n\n{wire}\n\n{filler(49)}", "2026-03-05", "Ledger")])
    assert store.signals("later")["copied_from"] == []
    assert {c["confidence"] for c in store.signals("later")["claims"]} == {"low"}


def test_an_outlets_box_of_headlines_in_two_articles_is_its_house_text(tmp_path):
    """A box of links to an outlet's other stories (or its masthead), printed in two of its
    articles, is its house text (``recurring``), not a story it printed again; a paragraph
    of its prose printed twice is."""
    box = ("Related: Senate Leaders Reject The Plan To Raise The Minimum Wage Before The Summer Recess. "
           "Governor Scores Direct Hit On Rival In Second Televised Debate. Comedy Show Takes A Closer Look "
           "At The Candidates So You Don't Have To. Mayor Responds To Question About Housing By Promising "
           "Fewer Permits And More Parks. Storm Knocks Out Power To Thousands Along The Northern Coast. "
           "Local Bakery Wins National Prize For Its Rye Bread After Twenty Years Of Trying.")
    story = ("The council voted on Tuesday to close the old ferry terminal at the end of the summer, after "
             "engineers reported that the pier beneath it had rotted through in several places and could no "
             "longer carry the weight of loaded trucks waiting for the morning crossing to the islands.")
    store = traced(tmp_path, [article("one", f"{filler(60)}\n\n{box}\n\n{filler(61)}\n\n{story}", "2016-05-02", "Post"),
                              article("two", f"{filler(62)}\n\n{box}\n\n{filler(63)}", "2016-05-02", "Post"),
                              article("three", f"{filler(64)}\n\n{story}\n\n{filler(65)}", "2016-05-09", "Post")])
    kinds = {tuple(sorted({s["article"] for s in c["spans"]})): c["kind"] for c in store.clusters()}
    assert kinds[("one", "two")] == "recurring" and kinds[("one", "three")] == "reuse"
    assert store.signals("two")["claims"] == []
    [claim] = store.signals("three")["claims"]
    assert claim["own_outlet"] and claim["confidence"] == "high"
