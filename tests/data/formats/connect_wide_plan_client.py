from pyspark.sql import SparkSession
from pyspark.sql import functions as F

spark = SparkSession.builder.remote("sc://localhost:15003").getOrCreate()
df = spark.range(0, 1)
df = df.withColumns({f"c{i}": F.lit(i) * F.col("id") + F.lit(i % 7) for i in range(60000)})
print(df.collect()[0][0])
