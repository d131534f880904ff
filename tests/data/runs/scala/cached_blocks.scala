// cached_blocks: chains of small cached RDDs (every RDD in the chain persist()ed, so one task
// caches one block per RDD); the driver tracks every cached block (BlockManagerMaster block
// locations, storage status) and the RDDs stay referenced, until it runs out of memory.
import org.apache.spark.storage.StorageLevel
import scala.collection.mutable.ArrayBuffer
val parts = sys.env.getOrElse("DD_PARTS", "2000").toInt
val depth = sys.env.getOrElse("DD_DEPTH", "50").toInt
val cached = ArrayBuffer.empty[org.apache.spark.rdd.RDD[Int]]
for (i <- 1 to sys.env.getOrElse("DD_ROUNDS", "100").toInt) {
  var r = sc.parallelize(1 to parts, parts)
  for (d <- 1 to depth) {
    r = r.map(_ + d).setName(s"cached_rdd_${i}_$d")
    r.persist(StorageLevel.MEMORY_ONLY)
    cached += r
  }
  r.count()
  println(s"round $i: ${cached.size} cached RDDs, ${cached.size.toLong * parts} blocks, persistent RDDs ${sc.getPersistentRDDs.size}")
}
