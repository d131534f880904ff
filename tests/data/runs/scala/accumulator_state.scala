// accumulator_state: a CollectionAccumulator that every task fills with one entry per row;
// the driver merges all task values into one list.
val acc = sc.collectionAccumulator[String]("rejected_rows")
val rowsN = sys.env.getOrElse("DD_ROWS", "6000000").toLong
spark.range(0, rowsN, 1, 60).rdd.foreach { id =>
  acc.add(s"row $id rejected: " + ("x" * 80))
}
println(s"rejected ${acc.value.size}")
