-- max_result_size: spark.driver.maxResultSize=1m on the command line; ~40 MB of results in 100 tasks.
SELECT id, sha2(cast(id AS string), 256) AS h1, sha2(concat(cast(id AS string), 'x'), 512) AS h2, id * 7 % 1000 AS k
FROM range(0, 200000, 1, 100);
