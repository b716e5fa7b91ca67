"""The whole analysis on Spark (docs/scaling.md).

goodfit's metrics, flags, fit scores and segments are Ibis expressions, so they run on
Spark as written. What runs row by row in Python — tone, resolution codes, knowledge-base
matches — is applied through Spark with Arrow-batched UDFs (``applyInArrow`` on tickets
co-grouped with their messages, ``mapInArrow`` over ticket texts) calling the very
functions the DuckDB pipeline calls, with the same models.

``export_parquet`` writes a project's canonical tables as a folder of Parquet files per
table; ``analyze`` (goodfit.spark.job) reads such folders from any path Spark can read
(local, HDFS, S3) and writes the text tables, ``flags`` and ``fit_scores`` as Parquet.
"""
