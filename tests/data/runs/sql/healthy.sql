-- healthy: a join + aggregation that succeeds.
CREATE TEMPORARY VIEW orders AS
SELECT id AS order_id, id % 500 AS customer_id, id % 97 AS amount FROM range(0, 200000, 1, 4);
CREATE TEMPORARY VIEW customers AS SELECT id AS customer_id, concat('c', id) AS name FROM range(0, 500);
SELECT name, sum(amount) AS total FROM orders JOIN customers USING (customer_id)
GROUP BY name ORDER BY total DESC LIMIT 5;
SELECT count(*) FROM orders;
