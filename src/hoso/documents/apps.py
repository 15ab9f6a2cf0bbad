from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "hoso.documents"
    label = "documents"
    verbose_name = "Thành phần hồ sơ"
