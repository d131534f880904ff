// healthy: a join + aggregation that succeeds.
import org.apache.spark.sql.functions._
val orders = spark.range(0, 200000L, 1, 4).select(
  col("id").as("order_id"), (col("id") % 500).as("customer_id"), (col("id") % 97).as("amount"))
val customers = spark.range(0, 500).select(
  col("id").as("customer_id"), concat(lit("c"), col("id")).as("name"))
val top = orders.join(customers, "customer_id").groupBy("name")
  .agg(sum("amount").as("total")).orderBy(desc("total"))
println(top.limit(5).collect().mkString(", "))
println(s"orders ${orders.count()}")
