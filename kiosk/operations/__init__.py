"""Running a release: packaged assets, request logs, health, metrics and the API description."""
