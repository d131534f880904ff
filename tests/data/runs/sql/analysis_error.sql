-- analysis_error: GROUP BY a column that does not exist.
CREATE TEMPORARY VIEW customers AS SELECT id AS customer_id FROM range(0, 100);
SELECT customer_idd, count(*) FROM customers GROUP BY customer_idd;
