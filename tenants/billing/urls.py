"""Billing URLs, to be included under ``facturation/`` (base domain and communes' hosts)."""

from django.urls import path

from tenants.billing import views

app_name = "billing"

urlpatterns = [
    path("marche/", views.contract_timeline, name="contract_timeline"),
    path("factures.csv", views.invoices_csv_download, name="invoices_csv"),
    path("factures/<str:number>.pdf", views.invoice_pdf_download, name="invoice_pdf"),
]
