"""ctr199: theo dõi việc thực hiện một chương trình hành động bằng dữ liệu YAML trong git."""

__version__ = "0.1.0"
