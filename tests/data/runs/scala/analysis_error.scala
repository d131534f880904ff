// analysis_error: groupBy on a column that does not exist.
val df = spark.range(0, 100).withColumnRenamed("id", "customer_id")
df.groupBy("customer_idd").count().show()
