from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "tools.bench"
    label = "bench"
    verbose_name = "Benchmark"
