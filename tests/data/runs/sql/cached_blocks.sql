-- cached_blocks: CACHE TABLE on a 200k-partition range: 200k cached blocks whose metadata the driver tracks.
CACHE TABLE t AS SELECT id FROM range(0, 200000, 1, 200000);
SELECT count(*) FROM t;
