"""Billing URLs, to be included under ``facturation/`` (base domain and communes' hosts)."""

from django.urls import path

from tenants.billing import setup_views, usage_views, views

app_name = "billing"

urlpatterns = [
    path("", views.home, name="home"),
    path("marche/", views.contract_timeline, name="contract_timeline"),
    path("marche/nouveau/", setup_views.contract_create, name="contract_create"),
    path("marche/<int:contract_id>/resiliation/", views.contract_notice, name="contract_notice"),
    path("bordereau/", views.price_schedule, name="price_schedule"),
    path("bordereau/nouvelle-ligne/", setup_views.price_line_create, name="price_line_create"),
    path("communes/", setup_views.billing_profiles, name="profiles"),
    path("communes/<int:commune_id>/", setup_views.billing_profile_edit, name="profile_edit"),
    path("bons-de-commande/", views.order_list, name="orders"),
    path("bons-de-commande/nouveau/", views.order_create, name="order_create"),
    path("bons-de-commande/<int:order_id>/", views.order_detail, name="order_detail"),
    path("bons-de-commande/<int:order_id>/emettre/", views.order_issue, name="order_issue"),
    path("bons-de-commande/<int:order_id>/livrer/", views.order_deliver, name="order_deliver"),
    path("bons-de-commande/<int:order_id>/facturer/", views.order_invoice, name="order_invoice"),
    path("factures/", views.invoice_list, name="invoices"),
    path("factures.csv", views.invoices_csv_download, name="invoices_csv"),
    path("factures/<str:number>.pdf", views.invoice_pdf_download, name="invoice_pdf"),
    path("factures/<str:number>/annuler/", views.invoice_cancel, name="invoice_cancel"),
    # Billing from usage (coordinator, base domain): the month's statements, shared costs.
    path("releves/", usage_views.usage_statements, name="usage_statements"),
    path("couts-partages/", usage_views.shared_costs, name="shared_costs"),
    path(
        "couts-partages/<int:pk>/repartir/",
        usage_views.shared_cost_split,
        name="shared_cost_split",
    ),
]
