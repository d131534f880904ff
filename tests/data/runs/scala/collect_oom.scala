// collect_oom: Dataset.collect() of 600k rows with a 2 KB padded string column.
// Every task result compresses to little, but the driver decodes all rows (~1.3 GB) into its heap.
import org.apache.spark.sql.functions._
val rowsN = sys.env.getOrElse("DD_ROWS", "600000").toLong
val df = spark.range(0, rowsN, 1, 40).select(
  col("id"),
  sha2(col("id").cast("string"), 256).as("h1"),
  rpad(col("id").cast("string"), 2000, "-").as("payload"))
val rows = df.collect()
println(s"collected ${rows.length}")
