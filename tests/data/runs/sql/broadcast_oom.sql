-- broadcast_oom: a BROADCAST hint on an 8M-row side (spark.sql.autoBroadcastJoinThreshold=2g, AQE off).
CREATE TEMPORARY VIEW big AS
SELECT id, sha2(cast(id AS string), 256) AS h1, sha2(concat(cast(id AS string), 'x'), 512) AS h2, id * 7 % 1000 AS k
FROM range(0, 8000000, 1, 8);
CREATE TEMPORARY VIEW facts AS SELECT id AS fid FROM range(0, 1000000, 1, 4);
SELECT /*+ BROADCAST(big) */ count(*) FROM facts JOIN big ON facts.fid = big.id;
