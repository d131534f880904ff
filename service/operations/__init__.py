"""Running the service: the process supervisor, the benchmark and its hostile inputs."""
