// max_result_size: spark.driver.maxResultSize=1m on the command line; ~40 MB of results in 100 tasks.
import org.apache.spark.sql.functions._
val df = spark.range(0, 200000L, 1, 100).select(
  col("id"),
  sha2(col("id").cast("string"), 256).as("h1"),
  sha2(concat(col("id").cast("string"), lit("x")), 512).as("h2"),
  (col("id") * 7 % 1000).as("k"))
val rows = df.collect()
println(s"collected ${rows.length}")
