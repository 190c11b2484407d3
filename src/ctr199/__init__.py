"""ctr199: theo dõi Chương trình hành động 199-KL/TW & 244/2025/QH15 bằng dữ liệu YAML."""

__version__ = "0.1.0"
