"""The text steps read ticket text in batches: any batch size gives the one-batch results."""

from __future__ import annotations

import pyarrow as pa

from goodfit.project import Project
from goodfit.text import pipeline
from goodfit.text.corpus import (
    TicketTexts,
    concat_texts,
    ticket_batches,
    ticket_texts,
)
from goodfit.text.kb import match_batches, match_tickets
from goodfit.text.resolution import apply_batches, apply_resolution, training_set
from tests.text_ml.conftest import MakeProject
from tests.text_ml.fixtures import coded_provider


def _batches(project: Project, size: int, only: list[str] | None = None
             ) -> list[TicketTexts]:
    wh = project.warehouse
    return list(ticket_batches(wh.table("tickets"), wh.table("messages"), project.config.costs,
                               size, only=only))


def test_batches_of_seven_hold_the_same_texts_as_one_query(make_project: MakeProject) -> None:
    provider = coded_provider(3, uncoded=11, seed=5)  # 10 codes x 3 + 11 = 41 tickets
    project = make_project(provider)
    whole = ticket_texts(project.warehouse.table("tickets"),
                         project.warehouse.table("messages"), project.config.costs)
    batches = _batches(project, 7)
    assert [len(b) for b in batches] == [7, 7, 7, 7, 7, 6]  # 41 = 5 x 7 + 6
    assert concat_texts(batches) == whole
    assert whole.ticket_id == sorted(t["ticket_id"] for t in provider.tickets)
    # `only`: just those tickets, still in id order, whatever order they are asked in
    picked = concat_texts(_batches(project, 7, only=["T00040", "T00003", "T00017"]))
    assert picked.ticket_id == ["T00003", "T00017", "T00040"]
    assert picked == whole.take([3, 17, 40])


def test_resolution_in_batches_of_seven_labels_as_one_batch(make_project: MakeProject) -> None:
    provider = coded_provider(8, uncoded=23, seed=3)  # 80 coded + 23 uncoded
    project = make_project(provider, batch_tickets=7)
    model = project.train_resolution()
    # training read only the coded tickets' text, batch by batch: the same training set
    whole = pipeline.load_texts(project.warehouse, project.config)
    one = training_set(whole, project.config.text)
    streamed = pipeline.training_data(project.warehouse, project.config)
    assert streamed == one and len(one.labels) == 80

    applied = project.apply_resolution()
    assert (applied.tickets, applied.given) == (103, 80)
    table = project.warehouse.table("ticket_resolution").order_by("ticket_id").to_pyarrow()
    assert table.equals(apply_resolution(model, whole, project.config.text))
    assert table.equals(apply_batches(model, _batches(project, 7), project.config.text))
    given = {t["ticket_id"]: t["resolution_code"] for t in provider.tickets
             if t["resolution_code"]}
    rows = table.to_pylist()
    assert {r["ticket_id"]: r["resolution_code"] for r in rows if r["source"] == "given"} \
        == given


def test_kb_matches_in_batches_of_seven_equal_one_batch(make_project: MakeProject) -> None:
    provider = coded_provider(4, uncoded=12, seed=11)  # 52 tickets
    project = make_project(provider, kb=True, batch_tickets=7, kb_min_calibration_tickets=5)
    stored = project.match_kb()
    index = pipeline.kb_index(project.warehouse)
    whole = pipeline.load_texts(project.warehouse, project.config)
    one = match_tickets(index, whole, project.config.text)
    seven = match_batches(index, _batches(project, 7), project.config.text)
    for result in (stored, seven):
        assert result.table.equals(one.table)
        assert (result.answers, result.calibration, result.article_calibration) == (
            one.answers, one.calibration, one.article_calibration)
    # three rows per ticket, in ticket order
    assert stored.table.num_rows == 3 * 52
    assert stored.table.column("ticket_id").to_pylist()[:6] == ["T00000"] * 3 + ["T00001"] * 3


def _topics(project: Project) -> tuple[pa.Table, pa.Table]:
    wh = project.warehouse
    return (wh.table("topics").order_by("topic_id").to_pyarrow(),
            wh.table("ticket_topic").order_by("ticket_id").to_pyarrow())


def test_topics_fitted_on_a_sample_assign_every_ticket_whatever_the_batch_size(
        make_project: MakeProject) -> None:
    provider = coded_provider(25, uncoded=30, seed=2)  # 280 tickets, a sample of 100
    seven = make_project(provider, kb=True, topic_sample_tickets=100, batch_tickets=7)
    one = make_project(provider, kb=True, topic_sample_tickets=100, batch_tickets=10_000)
    result = seven.topics()
    one.topics()
    assert result.tickets == 280 and result.topics
    assert _topics(seven) == _topics(one)
    topics, assigned = _topics(seven)
    # every ticket is in one topic or counted unassigned, never both, never lost
    assert sum(topics.column("tickets").to_pylist()) + result.unassigned == 280
    assert assigned.num_rows == 280 - result.unassigned
    assert len(set(assigned.column("ticket_id").to_pylist())) == assigned.num_rows
    # a topic's customers are its tickets' customers, read from the provider's own rows
    owner = {t["ticket_id"]: t["customer_id"] for t in provider.tickets}
    for topic in result.topics:
        ids = [r["ticket_id"] for r in assigned.to_pylist() if r["topic_id"] == topic.topic_id]
        assert (topic.tickets, topic.customers) == (len(ids), len({owner[i] for i in ids}))


def test_topics_up_to_the_sample_size_fit_every_ticket_at_once(
        make_project: MakeProject) -> None:
    from goodfit.text.topics import find_topics

    provider = coded_provider(12, seed=4)  # 120 tickets, sample 200: all of them
    project = make_project(provider, topic_sample_tickets=200, batch_tickets=7)
    result = project.topics()
    whole = pipeline.load_texts(project.warehouse, project.config)
    assert result.ticket_topic.equals(find_topics(whole, project.config.text).ticket_topic)
