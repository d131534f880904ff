// too_many_tasks: an RDD with millions of partitions; the driver builds every partition and task.
val n = sys.env.getOrElse("DD_PARTS", "5000000").toInt
println(s"count ${sc.parallelize(1 to n, n).count()}")
