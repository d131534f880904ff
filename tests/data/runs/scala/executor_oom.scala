// executor_oom: groupByKey with one hot key; one executor has to hold every value of
// that key in memory (local-cluster only: the executors are separate JVMs).
val rowsN = sys.env.getOrElse("DD_ROWS", "3000000").toInt
val pad = "p" * 1000
val grouped = sc.parallelize(1 to rowsN, 8)
  .map(i => (if (i % 10 == 0) i % 7 else 0, s"$i-$pad"))
  .groupByKey(4)
  .mapValues(vs => vs.map(_.length.toLong).sum)
println(grouped.collect().mkString(", "))
