-- collect_oom: a SELECT whose result (600k rows x 2 KB) spark-sql collects in the driver to print it.
SELECT id, sha2(cast(id AS string), 256) AS h1, rpad(cast(id AS string), 2000, '-') AS payload
FROM range(0, 600000, 1, 40);
