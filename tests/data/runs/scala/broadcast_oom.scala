// broadcast_oom: a broadcast() hint on a side far larger than the driver can hold
// (spark.sql.autoBroadcastJoinThreshold=2g and AQE off on the command line).
import org.apache.spark.sql.functions._
val bigRows = sys.env.getOrElse("DD_ROWS", "8000000").toLong
val big = spark.range(0, bigRows, 1, 8).select(
  col("id"),
  sha2(col("id").cast("string"), 256).as("h1"),
  sha2(concat(col("id").cast("string"), lit("x")), 512).as("h2"),
  (col("id") * 7 % 1000).as("k"))
val facts = spark.range(0, 1000000L, 1, 4).withColumnRenamed("id", "fid")
val joined = facts.join(broadcast(big), facts("fid") === big("id"))
println(s"joined rows ${joined.count()}")
