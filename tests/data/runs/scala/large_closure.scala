// large_closure: a map function that captures a 200 MB array of random bytes.
// The driver serializes the closure (ClosureCleaner check, then the task binary broadcast).
val lookup = new Array[Byte](sys.env.getOrElse("DD_CLOSURE_MB", "200").toInt * 1024 * 1024)
new java.util.Random(42).nextBytes(lookup)
println(s"lookup table ${lookup.length} bytes")
val total = sc.parallelize(1 to 100, 4).map(x => x.toLong + lookup(x)).sum()
println(s"sum $total")
