from pyspark.sql import SparkSession

spark = SparkSession.builder.appName("layout-collect").getOrCreate()
df = spark.range(0, 20_000_000).selectExpr("id", "repeat('x', 40) as pad", "id * 3 as v")
rows = df.collect()
print(len(rows))
