// listener_state: an audit SparkListener that keeps every event it sees (and a 64 KB
// snapshot buffer per finished task) in the driver, forever; jobs keep running until the driver fails.
import org.apache.spark.scheduler._
import scala.collection.mutable.ArrayBuffer
class AuditListener extends SparkListener {
  val events = ArrayBuffer.empty[AnyRef]
  override def onTaskEnd(e: SparkListenerTaskEnd): Unit = synchronized {
    events += e
    events += new Array[Byte](64 * 1024) // per-task snapshot kept with the event
  }
  override def onOtherEvent(e: SparkListenerEvent): Unit = synchronized { events += e }
  override def onJobEnd(e: SparkListenerJobEnd): Unit = synchronized { events += e }
  override def onStageCompleted(e: SparkListenerStageCompleted): Unit = synchronized { events += e }
}
val audit = new AuditListener
sc.addSparkListener(audit)
for (i <- 1 to sys.env.getOrElse("DD_JOBS", "60").toInt) {
  val c = sc.parallelize(1 to 2000, 2000).map(_ * 2).count()
  println(s"job $i count $c, listener holds ${audit.synchronized(audit.events.size)} objects")
}
