"""The file to hand ``spark-submit``: it runs goodfit's command line (``spark analyze``
takes its master from spark-submit when ``--master`` is not given)::

    spark-submit --master yarn "$(python -c 'import goodfit.cli.spark_submit as s; print(s.__file__)')" \
        spark analyze s3a://bucket/tables s3a://bucket/out -c goodfit.toml
"""

if __name__ == "__main__":
    from goodfit.cli import run

    run()
