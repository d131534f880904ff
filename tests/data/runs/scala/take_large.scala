// take_large: Dataset.take(n) with a huge n: the same rows land in the driver through executeTake.
import org.apache.spark.sql.functions._
val rowsN = sys.env.getOrElse("DD_ROWS", "600000").toInt
val df = spark.range(0, 2000000L, 1, 40).select(
  col("id"),
  sha2(col("id").cast("string"), 256).as("h1"),
  rpad(col("id").cast("string"), 2000, "-").as("payload"))
val firstRows = df.take(rowsN)
println(s"took ${firstRows.length}")
