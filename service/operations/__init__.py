"""Running the service: the process supervisor, metrics, logs and the benchmark."""
