from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "hoso.exchange"
    label = "exchange"
    verbose_name = "Trao đổi, lưu trữ hồ sơ"
