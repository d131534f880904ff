-- too_many_tasks: a range with 5M partitions; the driver builds every partition and task.
SELECT count(*) FROM range(0, 5000000, 1, 5000000);
