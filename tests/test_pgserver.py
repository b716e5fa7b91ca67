import psycopg


def test_postgres_fixture_gives_an_empty_database_per_test(postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as con:
        con.execute("CREATE TABLE t (x int)")
        con.execute("INSERT INTO t VALUES (41), (1)")
        assert con.execute("SELECT sum(x) FROM t").fetchone() == (42,)
