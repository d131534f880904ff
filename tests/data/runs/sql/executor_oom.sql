-- executor_oom: collect_list over one hot key; one executor holds every value of that key.
SELECT k, size(collect_list(v)) AS n FROM (
  SELECT CASE WHEN id % 10 = 0 THEN id % 7 ELSE 0 END AS k, concat(cast(id AS string), repeat('p', 1000)) AS v
  FROM range(0, 3000000, 1, 8)
) GROUP BY k;
