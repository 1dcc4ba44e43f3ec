"""Generate N synthetic but realistic ODCS v3.0.2 data contracts for benchmarks.

    python benchmarks/generate_contracts.py N OUT_DIR [--seed S] [--invalid-ratio R]

Contracts are written as `OUT_DIR/specs/<source>/v1.0/<object>.yaml` (for example
`specs/stripe/v1.0/charges_0042.yaml`, id `stripe-charges-0042`). With the default `--invalid-ratio 0` every
contract is valid against the official ODCS v3.0.2 JSON Schema and clean under the lint rules and the Dativo profile
of `dativo-check validate`. With `--invalid-ratio R`, a fraction R of the contracts gets exactly one realistic
mistake (see `ERRORS`); such files start with a comment naming the mistake and the rule expected to report it.

Importable by other benchmarks:

    from generate_contracts import generate, contract, dump, relative_path
    paths = generate(1000, out_dir, seed=0)              # write files, return their paths
    doc = contract(42, contract_rng(0, 42), upstream)    # one contract as a dict, nothing written

Output is deterministic for a given seed: contract `i` depends only on the seed, `i` and the contracts before it, so
`generate(100, ...)` writes the same first 100 files as `generate(1000, ...)`. Only the standard library and PyYAML
are used.
"""

from __future__ import annotations

import argparse
import copy
import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import yaml

__all__ = ["ERRORS", "SOURCES", "contract", "contract_rng", "dump", "generate", "inject_error", "relative_path"]

# Names the Dativo profile treats as personal data (mirrors dativo_check.config.PII_PATTERNS): any generated property
# whose name matches is classified confidential or restricted and tagged pii, whatever its template says.
_PII_NAME = re.compile("|".join(f"(?:{p})" for p in (
    r"e_?mail", r"phone", r"mobile", r"^(first|last|middle|full|given|family|sur)_?name$", r"^name$",
    r"address", r"street", r"postal_?code|zip_?code", r"birth|^dob$", r"ssn|social_security", r"passport",
    r"national_?id|tax_?id", r"ip_?address", r"iban|card_?number|account_?number",
)), re.IGNORECASE)
SENSITIVE = ("confidential", "restricted")


# --------------------------------------------------------------------------------------------------------------------
# Sources, entities and the servers they land on
# --------------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Source:
    label: str          # how people write it
    domain: str
    kind: str           # api, database, stream or files: decides servers, key style, ingestion columns and SLA
    landing: str        # server type of the production server
    entities: tuple[str, ...]
    key: str            # primary key style: bigint, uuid, prefixed (Stripe-like), sfid (Salesforce 18-char)


SOURCES: dict[str, Source] = {
    "stripe": Source("Stripe", "finance", "api", "s3", (
        "customers", "charges", "invoices", "subscriptions", "payouts", "refunds", "disputes",
        "balance_transactions", "payment_intents", "products", "prices", "credit_notes"), "prefixed"),
    "hubspot": Source("HubSpot", "marketing", "api", "snowflake", (
        "contacts", "companies", "deals", "tickets", "engagements", "owners", "line_items", "form_submissions"),
        "bigint"),
    "salesforce": Source("Salesforce", "sales", "api", "snowflake", (
        "accounts", "contacts", "opportunities", "leads", "cases", "campaigns", "tasks", "quotes"), "sfid"),
    "shopify": Source("Shopify", "commerce", "api", "bigquery", (
        "orders", "customers", "products", "inventory_levels", "fulfillments", "refunds", "transactions",
        "abandoned_checkouts"), "bigint"),
    "zendesk": Source("Zendesk", "support", "api", "snowflake", (
        "tickets", "users", "organizations", "ticket_comments", "satisfaction_ratings", "ticket_metrics"), "bigint"),
    "netsuite": Source("NetSuite", "finance", "api", "redshift", (
        "vendors", "purchase_orders", "journal_entries", "invoices", "items", "vendor_bills"), "bigint"),
    "postgres": Source("the webshop PostgreSQL database", "commerce", "database", "postgres", (
        "orders", "order_lines", "customers", "payments", "shipments", "inventory", "carts", "returns"), "bigint"),
    "mysql": Source("the loyalty MySQL database", "commerce", "database", "mysql", (
        "members", "reward_points", "reviews", "wishlists", "vouchers", "stores", "redemptions"), "bigint"),
    "kafka": Source("Kafka", "platform", "stream", "kafka", (
        "order_events", "page_views", "click_events", "payment_events", "inventory_events", "login_events",
        "notification_events", "search_events"), "uuid"),
    "s3": Source("partner file drops on S3", "analytics", "files", "s3", (
        "marketing_spend", "ad_impressions", "partner_feeds", "web_logs", "sensor_readings", "price_lists",
        "affiliate_sales"), "uuid"),
    "databricks": Source("the Databricks lakehouse", "analytics", "database", "databricks", (
        "customer_360", "churn_scores", "daily_revenue", "product_affinity", "session_facts"), "bigint"),
}

_STRIPE_PREFIX = {
    "customers": "cus_", "charges": "ch_", "invoices": "in_", "subscriptions": "sub_", "payouts": "po_",
    "refunds": "re_", "disputes": "dp_", "balance_transactions": "txn_", "payment_intents": "pi_",
    "products": "prod_", "prices": "price_", "credit_notes": "cn_",
}
_IRREGULAR = {"inventory": "inventory", "companies": "company", "opportunities": "opportunity",
              "entries": "entry", "customer_360": "customer", "daily_revenue": "revenue_day",
              "product_affinity": "affinity", "marketing_spend": "spend", "churn_scores": "churn_score",
              "web_logs": "log_line", "sensor_readings": "reading", "partner_feeds": "feed_record",
              "ad_impressions": "impression", "price_lists": "price_list_line", "affiliate_sales": "affiliate_sale",
              "ticket_metrics": "ticket_metric", "reward_points": "reward_point_entry"}

_COST_CENTERS = {"finance": "FIN-001", "marketing": "MKT-007", "sales": "SAL-012", "commerce": "COM-014",
                 "support": "SUP-040", "platform": "ENG-031", "analytics": "DAT-020"}
_PROJECTS = {"api": "lakehouse-ingestion", "database": "operational-replication", "stream": "realtime-platform",
             "files": "partner-data-onboarding"}


def _singular(entity: str) -> str:
    last = entity.rsplit("_", 1)[-1]
    if entity in _IRREGULAR:
        return _IRREGULAR[entity]
    if last in _IRREGULAR:
        return entity[: -len(last)] + _IRREGULAR[last]
    if entity.endswith("ies"):
        return entity[:-3] + "y"
    if entity.endswith("sses"):
        return entity[:-2]
    return entity[:-1] if entity.endswith("s") else entity


def _title(snake: str) -> str:
    words = [word.upper() if word in ("id", "ip", "sku", "utm", "url", "mrr") else word
             for word in snake.strip("_").split("_") if word]
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]]) if words else snake


# --------------------------------------------------------------------------------------------------------------------
# Column templates
# --------------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Col:
    name: str
    business: str
    description: str
    logical: str
    physical: str
    classification: str = "internal"
    examples: tuple = ()
    pii: bool = False
    quality: tuple = ()                 # ("valid", [...]) | ("range", lo, hi) | ("null",) | ("null_pct", n) | ("unique",)
    options: tuple = ()                 # logicalTypeOptions as (key, value) pairs
    required: bool = False
    cde: bool = False
    children: tuple = ()                # nested Col for logicalType object
    items: "Col | None" = None          # item Col for logicalType array
    tags: tuple = ()


def _ts(rng: random.Random, year: int = 2024) -> str:
    return (f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} "
            f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}")


_ADDRESS_PARTS = (
    Col("line1", "Street line", "Street and house number.", "string", "VARCHAR(255)", "confidential",
        ("221B Baker Street", "Hauptstrasse 12"), pii=True),
    Col("city", "City", "City or town.", "string", "VARCHAR(128)", "confidential", ("London", "Berlin"), pii=True),
    Col("postal_code", "Postal code", "ZIP or postal code.", "string", "VARCHAR(20)", "confidential",
        ("NW1 6XE", "D-10115"), pii=True),
    Col("country_code", "Country code", "Two-letter ISO 3166-1 country code.", "string", "VARCHAR(2)",
        "confidential", ("GB", "DE"), pii=True),
)

_COLUMNS: tuple[Col, ...] = (
    # identifiers and foreign keys
    Col("customer_id", "Customer ID", "Customer the record belongs to.", "integer", "BIGINT",
        examples=(88213, 90455), quality=(("null",),), required=True, cde=True),
    Col("account_id", "Account ID", "Billing account the record is booked on.", "integer", "BIGINT",
        examples=(4410, 10234), required=True),
    Col("user_id", "User ID", "Platform user who triggered the record; empty for system actions.", "integer",
        "BIGINT", examples=(77120, 904512)),
    Col("product_id", "Product ID", "Catalogue product the record refers to.", "integer", "BIGINT",
        examples=(3301, 3307)),
    Col("store_id", "Store ID", "Physical or online store the record was created in.", "integer", "INTEGER",
        examples=(12, 57), options=(("minimum", 1),)),
    Col("owner_id", "Owner ID", "Employee who owns the record in the source system.", "integer", "BIGINT",
        examples=(31337001, 31337044)),
    Col("organization_id", "Organization ID", "Customer organisation the record belongs to.", "integer", "BIGINT",
        examples=(360001234567,)),
    Col("assignee_id", "Assignee ID", "Agent currently assigned to the record.", "integer", "BIGINT",
        examples=(90210044,)),
    Col("campaign_id", "Campaign ID", "Marketing campaign that sourced the record.", "string", "VARCHAR(18)",
        examples=("7015g000001AbCdEAF",), options=(("maxLength", 18),)),
    Col("session_id", "Session ID", "Web or app session the record was produced in.", "string", "VARCHAR(36)",
        examples=("c0a80101-7f3e-4d2a-9b1c-5e6f7a8b9c0d",), options=(("format", "uuid"),)),
    Col("external_ref", "External reference", "Reference of the record in the upstream partner system.", "string",
        "VARCHAR(64)", examples=("ext-88213-a", "ext-90455-b")),
    Col("invoice_number", "Invoice number", "Human-readable invoice number printed on the document.", "string",
        "VARCHAR(32)", examples=("INV-2024-004211", "INV-2024-004212"), required=True,
        quality=(("unique",),)),
    Col("order_number", "Order number", "Order number shown to the customer.", "string", "VARCHAR(32)",
        examples=("SO-118723", "SO-118724"), cde=True),
    Col("tracking_number", "Tracking number", "Carrier tracking number of the parcel.", "string", "VARCHAR(64)",
        examples=("JD014600006281130000",)),
    # personal data
    Col("email", "Email address", "Primary email address of the person.", "string", "VARCHAR(320)", "confidential",
        ("jane.doe@example.com", "p.schmidt@example.net"), pii=True, options=(("format", "email"),), cde=True,
        quality=(("null_pct", 10),)),
    Col("phone", "Phone number", "Phone number as entered, not normalised.", "string", "VARCHAR(50)",
        "confidential", ("+44 20 7946 0018",), pii=True),
    Col("mobile_phone", "Mobile phone", "Mobile number used for SMS notifications.", "string", "VARCHAR(50)",
        "confidential", ("+49 151 23456789",), pii=True),
    Col("first_name", "First name", "Given name of the person.", "string", "VARCHAR(255)", "confidential",
        ("Jane", "Piotr"), pii=True),
    Col("last_name", "Last name", "Family name of the person.", "string", "VARCHAR(255)", "confidential",
        ("Doe", "Schmidt"), pii=True),
    Col("full_name", "Full name", "Full name as shown in the source system.", "string", "VARCHAR(512)",
        "confidential", ("Jane Doe",), pii=True),
    Col("job_title", "Job title", "Job title; personal data when combined with name and company.", "string",
        "VARCHAR(255)", "confidential", ("Head of Procurement",), pii=True),
    Col("birth_date", "Birth date", "Date of birth, used for age verification only.", "date", "DATE", "restricted",
        ("1987-04-12",), pii=True),
    Col("ip_address", "IP address", "IP address of the client, kept for fraud screening only.", "string",
        "VARCHAR(45)", "restricted", ("203.0.113.24",), pii=True, options=(("format", "ipv4"),)),
    Col("tax_id", "Tax ID", "VAT or tax identification number of the counterparty.", "string", "VARCHAR(32)",
        "restricted", ("DE123456789",), pii=True),
    Col("iban", "IBAN", "Bank account of the counterparty for payouts and refunds.", "string", "VARCHAR(34)",
        "restricted", ("DE89370400440532013000",), pii=True, tags=("pci",)),
    Col("billing_address", "Billing address", "Billing address of the customer.", "object", "JSON", "confidential",
        pii=True, children=_ADDRESS_PARTS),
    Col("shipping_address", "Shipping address", "Delivery address; empty for digital-only orders.", "object",
        "JSON", "confidential", pii=True, children=_ADDRESS_PARTS),
    # money and measures
    Col("amount", "Amount", "Amount in the record currency including tax, after discounts.", "number",
        "DECIMAL(18,2)", examples=(129.9, 24.5), required=True, cde=True, quality=(("range", 0, 50000),)),
    Col("tax_amount", "Tax amount", "Tax included in the amount.", "number", "DECIMAL(18,2)",
        examples=(20.74, 3.91), quality=(("range", 0, 10000),)),
    Col("discount_amount", "Discount amount", "Discount applied, in the record currency.", "number",
        "DECIMAL(18,2)", examples=(0, 5.0)),
    Col("unit_price", "Unit price", "Price per unit in the record currency.", "number", "DECIMAL(18,4)",
        examples=(24.95, 9.5), quality=(("range", 0, 100000),)),
    Col("quantity", "Quantity", "Number of units.", "integer", "INTEGER", examples=(1, 3), required=True,
        quality=(("range", 1, 1000),)),
    Col("exchange_rate", "Exchange rate", "Rate from the record currency to EUR on the booking date.", "number",
        "DECIMAL(18,8)", examples=(1.0, 0.92153), quality=(("range", 0.0001, 10000),)),
    Col("risk_score", "Risk score", "Fraud risk score from the payment provider, 0 (safe) to 100.", "number",
        "DECIMAL(5,2)", examples=(12.5,), quality=(("range", 0, 100),)),
    Col("score", "Score", "Model score between 0 and 1.", "number", "DOUBLE", examples=(0.82,),
        options=(("format", "f64"),), quality=(("range", 0, 1),)),
    Col("rating", "Rating", "Rating given by the customer, 1 (bad) to 5 (great).", "integer", "SMALLINT",
        examples=(4, 5), quality=(("range", 1, 5),)),
    Col("weight_grams", "Weight (g)", "Shipping weight in grams.", "integer", "INTEGER", examples=(350, 1200)),
    Col("duration_seconds", "Duration (s)", "Duration of the interaction in seconds.", "integer", "INTEGER",
        examples=(42, 310), quality=(("range", 0, 86400),)),
    Col("page_views", "Page views", "Number of page views in the period.", "integer", "BIGINT", examples=(1830,)),
    Col("retry_count", "Retry count", "Delivery attempts before success.", "integer", "SMALLINT", examples=(0, 2)),
    Col("lifetime_value", "Lifetime value", "Revenue attributed to the customer so far, in EUR.", "number",
        "DECIMAL(18,2)", examples=(1520.4,)),
    Col("mrr_amount", "MRR", "Monthly recurring revenue of the record, in EUR.", "number", "DECIMAL(18,2)",
        examples=(49.0, 990.0), quality=(("range", 0, 1000000),)),
    Col("seats", "Seats", "Licensed seats.", "integer", "INTEGER", examples=(5, 120), options=(("minimum", 0),)),
    Col("probability", "Probability", "Win probability in percent.", "integer", "SMALLINT", examples=(20, 75),
        quality=(("range", 0, 100),)),
    Col("first_response_minutes", "First response (min)", "Minutes until the first public agent reply.",
        "integer", "INTEGER", examples=(14, 95)),
    # enumerations and codes
    Col("status", "Status", "Current state of the record in its workflow.", "string", "VARCHAR(20)",
        examples=(), required=True, cde=True, quality=(("valid", None),)),
    Col("currency", "Currency", "ISO 4217 currency code.", "string", "VARCHAR(3)", "public", ("EUR", "USD"),
        required=True, quality=(("valid", ["EUR", "USD", "GBP", "CHF", "PLN"]),)),
    Col("country_code", "Country", "Two-letter ISO 3166-1 country code.", "string", "VARCHAR(2)", "public",
        ("DE", "GB"), options=(("pattern", "^[A-Z]{2}$"),)),
    Col("channel", "Channel", "Channel the record originated from.", "string", "VARCHAR(16)", "internal",
        ("web", "ios"), quality=(("valid", ["web", "ios", "android", "pos", "api", "email"]),)),
    Col("payment_method", "Payment method", "Payment method used.", "string", "VARCHAR(32)", "internal",
        ("card", "sepa_debit"), quality=(("valid", ["card", "sepa_debit", "ideal", "paypal", "bank_transfer"]),)),
    Col("priority", "Priority", "Priority set by the agent or by routing rules.", "string", "VARCHAR(10)",
        "internal", ("normal",), quality=(("valid", ["low", "normal", "high", "urgent"]),)),
    Col("plan_name", "Plan", "Subscription plan.", "string", "VARCHAR(64)", "internal", ("growth",),
        quality=(("valid", ["starter", "growth", "business", "enterprise"]),)),
    Col("locale", "Locale", "Preferred language and region (BCP 47).", "string", "VARCHAR(10)", "public",
        ("en-GB", "de-DE")),
    Col("device_type", "Device type", "Device class derived from the user agent.", "string", "VARCHAR(16)",
        "internal", ("mobile",), quality=(("valid", ["desktop", "mobile", "tablet", "other"]),)),
    Col("lifecycle_stage", "Lifecycle stage", "Funnel stage of the contact.", "string", "VARCHAR(40)", "internal",
        ("lead", "customer"), quality=(("valid", ["subscriber", "lead", "marketingqualifiedlead",
                                                  "salesqualifiedlead", "opportunity", "customer", "other"]),)),
    Col("stage_name", "Stage", "Sales stage of the opportunity.", "string", "VARCHAR(40)", "internal",
        ("Negotiation",), quality=(("valid", ["Prospecting", "Qualification", "Proposal", "Negotiation",
                                              "Closed Won", "Closed Lost"]),)),
    Col("lead_source", "Lead source", "Where the lead came from.", "string", "VARCHAR(40)", "internal",
        ("Webinar", "Partner")),
    Col("utm_source", "UTM source", "utm_source of the landing URL.", "string", "VARCHAR(255)", "internal",
        ("google", "newsletter")),
    Col("utm_campaign", "UTM campaign", "utm_campaign of the landing URL.", "string", "VARCHAR(255)", "internal",
        ("spring_sale_2024",)),
    Col("event_type", "Event type", "Kind of event.", "string", "VARCHAR(40)", "internal", ("created",),
        required=True, quality=(("valid", ["created", "updated", "deleted", "completed", "failed"]),)),
    Col("product_sku", "Product SKU", "Stock keeping unit of the product.", "string", "VARCHAR(64)", "public",
        ("TSHIRT-BLK-M", "MUG-WHT-350")),
    Col("product_name", "Product name", "Display name of the product in the catalogue.", "string", "VARCHAR(255)",
        "public", ("Classic T-Shirt",)),
    Col("category", "Category", "Top-level catalogue category.", "string", "VARCHAR(64)", "public",
        ("apparel", "home")),
    Col("source_system", "Source system", "Upstream system that created the record.", "string", "VARCHAR(32)",
        "internal", ("checkout", "backoffice")),
    Col("group_name", "Group", "Support group the record is routed to.", "string", "VARCHAR(128)", "internal",
        ("Billing", "Tier 2")),
    # flags
    Col("is_active", "Active", "True while the record is active.", "boolean", "BOOLEAN", examples=(True,),
        required=True),
    Col("is_test", "Test record", "True for records created in test mode; excluded from reporting.", "boolean",
        "BOOLEAN", examples=(False,), required=True),
    Col("marketing_opt_in", "Marketing opt-in", "True when the person agreed to marketing messages.", "boolean",
        "BOOLEAN", examples=(False,)),
    Col("is_deleted", "Deleted", "Soft-delete flag of the source system.", "boolean", "BOOLEAN", examples=(False,)),
    Col("auto_renew", "Auto renew", "True when the subscription renews automatically.", "boolean", "BOOLEAN",
        examples=(True,)),
    Col("is_refundable", "Refundable", "True while the record can still be refunded.", "boolean", "BOOLEAN",
        examples=(True,)),
    # free text and semi-structured
    Col("notes", "Notes", "Free-text notes entered by staff; may contain personal data.", "string", "TEXT",
        "confidential", ("Customer asked for invoice copy",), tags=("free-text",)),
    Col("subject", "Subject", "Subject line entered by the requester.", "string", "VARCHAR(255)", "confidential",
        ("Refund not received",), tags=("free-text",)),
    Col("user_agent", "User agent", "User-Agent header of the client.", "string", "VARCHAR(512)", "internal",
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)",)),
    Col("page_url", "Page URL", "URL of the page without query string.", "string", "VARCHAR(2048)", "internal",
        ("https://shop.acme.com/products/classic-t-shirt",), options=(("format", "uri"),)),
    Col("referrer_url", "Referrer URL", "Referrer of the page view.", "string", "VARCHAR(2048)", "internal",
        ("https://www.google.com/",)),
    Col("metadata", "Metadata", "Key-value metadata attached in the source system.", "object", "JSON",
        "internal"),
    Col("attributes", "Attributes", "Event attributes as sent by the client SDK.", "object",
        "MAP<VARCHAR,VARCHAR>", "internal"),
    Col("labels", "Labels", "Labels attached to the record.", "array", "ARRAY<VARCHAR(64)>", "internal",
        options=(("maxItems", 50),),
        items=Col("label", "Label", "One label.", "string", "VARCHAR(64)", "internal", ("vip", "b2b"))),
    Col("line_items", "Line items", "Products of the record at the time of the snapshot.", "array", "JSON[]",
        "internal", options=(("minItems", 1),), items=Col(
            "line_item", "Line item", "One product line.", "object", "JSON", "internal", children=(
                Col("product_sku", "Product SKU", "Stock keeping unit of the product.", "string", "VARCHAR(64)",
                    "public", ("TSHIRT-BLK-M",)),
                Col("quantity", "Quantity", "Number of units.", "integer", "INTEGER", "internal", (2,)),
                Col("unit_price", "Unit price", "Price per unit.", "number", "DECIMAL(18,2)", "internal", (24.95,)),
            ))),
    # dates
    Col("event_date", "Event date", "Calendar date (UTC) of the event; the partition column.", "date", "DATE",
        examples=("2024-11-11",), required=True),
    Col("period_start", "Period start", "First day of the billing period.", "date", "DATE",
        examples=("2024-11-01",)),
    Col("period_end", "Period end", "Last day of the billing period.", "date", "DATE", examples=("2024-11-30",)),
    Col("due_date", "Due date", "Date payment is due.", "date", "DATE", examples=("2024-12-15",)),
    Col("close_date", "Close date", "Expected or actual close date.", "date", "DATE", examples=("2025-01-31",)),
    Col("paid_at", "Paid at", "Time (UTC) the payment succeeded; empty while unpaid.", "date", "TIMESTAMP",
        examples=("ts",)),
    Col("cancelled_at", "Cancelled at", "Time (UTC) the record was cancelled; empty otherwise.", "date",
        "TIMESTAMP", examples=("ts",)),
    Col("closed_at", "Closed at", "Time (UTC) the record was closed.", "date", "TIMESTAMP", examples=("ts",)),
    Col("first_seen_at", "First seen at", "Time (UTC) the record was first observed.", "date", "TIMESTAMP_NTZ",
        examples=("ts",)),
)
_BY_NAME = {col.name: col for col in _COLUMNS}

_DOMAIN_COLUMNS = {
    "finance": ("amount", "currency", "status", "tax_amount", "invoice_number", "payment_method", "paid_at",
                "due_date", "exchange_rate", "customer_id", "account_id", "period_start", "period_end", "iban",
                "tax_id", "is_refundable", "metadata", "risk_score", "is_test", "email"),
    "marketing": ("email", "first_name", "last_name", "phone", "job_title", "lifecycle_stage", "marketing_opt_in",
                  "campaign_id", "owner_id", "country_code", "locale", "score", "channel", "ip_address",
                  "utm_source", "utm_campaign", "labels", "first_seen_at"),
    "sales": ("account_id", "owner_id", "stage_name", "amount", "currency", "close_date", "probability", "full_name",
              "email", "phone", "job_title", "country_code", "campaign_id", "lead_source", "is_deleted",
              "closed_at", "seats", "mrr_amount"),
    "commerce": ("customer_id", "order_number", "status", "amount", "currency", "quantity", "unit_price",
                 "product_sku", "product_name", "discount_amount", "shipping_address", "billing_address", "email",
                 "payment_method", "channel", "store_id", "line_items", "tracking_number", "weight_grams",
                 "cancelled_at"),
    "support": ("subject", "priority", "status", "channel", "email", "full_name", "rating", "group_name",
                "assignee_id", "labels", "first_response_minutes", "notes", "closed_at", "organization_id"),
    "platform": ("event_type", "session_id", "user_id", "device_type", "ip_address", "user_agent", "page_url",
                 "referrer_url", "country_code", "duration_seconds", "attributes", "event_date", "metadata",
                 "retry_count"),
    "analytics": ("event_date", "channel", "country_code", "page_views", "amount", "currency", "campaign_id",
                  "utm_source", "utm_campaign", "device_type", "session_id", "score", "metadata", "category",
                  "lifetime_value"),
}
# Columns that only make sense in their own domain: never used to pad objects of other domains.
_SPECIFIC = frozenset({"stage_name", "lifecycle_stage", "probability", "first_response_minutes", "group_name",
                       "priority", "subject", "utm_source", "utm_campaign", "event_type", "lead_source", "iban",
                       "tax_id", "invoice_number", "order_number", "tracking_number", "assignee_id", "rating",
                       "close_date", "due_date", "period_start", "period_end", "line_items", "mrr_amount", "seats"})
_STATUS_VALUES = {
    "finance": ["draft", "open", "paid", "void", "uncollectible"],
    "commerce": ["pending", "paid", "fulfilled", "cancelled", "refunded"],
    "support": ["new", "open", "pending", "hold", "solved", "closed"],
}
_DEFAULT_STATUS = ["active", "inactive", "archived"]

_PEOPLE = (
    ("Jan Kowalski", "jkowalski"), ("Ana Ferreira", "aferreira"), ("Sara Berg", "sberg"), ("Marie Dubois", "mdubois"),
    ("Ravi Patel", "rpatel"), ("Daniel Kim", "dkim"), ("Lena Fischer", "lfischer"), ("Tomasz Nowak", "tnowak"),
    ("Aisha Khan", "akhan"), ("Lucas Martin", "lmartin"), ("Elena Rossi", "erossi"), ("Noah Schmidt", "nschmidt"),
    ("Mia Jensen", "mjensen"), ("Omar Haddad", "ohaddad"), ("Chloe Bernard", "cbernard"), ("Yuki Tanaka", "ytanaka"),
    ("Pedro Alves", "palves"), ("Ingrid Larsen", "ilarsen"), ("Kofi Mensah", "kmensah"), ("Hana Novak", "hnovak"),
)
_CONSUMER_KINDS = (("dashboard", "https://bi.acme.com/dashboards/"), ("application", "https://github.com/acme/"),
                   ("dbt_model", "https://dbt.acme.com/#!/model/model.analytics."), ("ml_model", "https://ml.acme.com/models/"))


# --------------------------------------------------------------------------------------------------------------------
# Building one contract
# --------------------------------------------------------------------------------------------------------------------

_KEY_ORDER = ("name", "businessName", "description", "logicalType", "physicalType", "logicalTypeOptions", "required",
              "unique", "primaryKey", "primaryKeyPosition", "partitioned", "partitionKeyPosition",
              "criticalDataElement", "classification", "tags", "examples", "transformSourceObjects",
              "transformDescription", "quality", "properties", "items")


def _ordered(prop: dict) -> dict:
    return {key: prop[key] for key in sorted(prop, key=lambda k: _KEY_ORDER.index(k) if k in _KEY_ORDER else 99)}


def _quality(spec: tuple, col: Col, rng: random.Random, domain: str) -> dict:
    kind = spec[0]
    severity = rng.choice(("error", "warning"))
    if kind == "valid":
        values = spec[1] if spec[1] is not None else _STATUS_VALUES.get(domain, _DEFAULT_STATUS)
        return {"type": "library", "rule": "validValues", "validValues": list(values), "dimension": "conformity",
                "severity": severity, "description": f"{col.business} is one of the documented values.",
                "businessImpact": "Unknown values are dropped from reporting and break downstream mappings."}
    if kind == "range":
        return {"type": "library", "rule": "rangeCheck", "mustBeBetween": [spec[1], spec[2]],
                "dimension": "accuracy", "severity": severity,
                "description": f"{col.business} lies between {spec[1]} and {spec[2]}.",
                "businessImpact": "Outliers are usually test data or unit errors and distort KPIs."}
    if kind == "null":
        return {"type": "library", "rule": "nullCheck", "mustBe": 0, "unit": "rows", "dimension": "completeness",
                "severity": "error", "description": f"{col.business} is always set.",
                "businessImpact": "Rows without it cannot be joined and silently disappear from reports."}
    if kind == "null_pct":
        return {"type": "library", "rule": "nullCheck", "mustBeLessThan": spec[1], "unit": "percent",
                "dimension": "completeness", "severity": "warning",
                "description": f"Less than {spec[1]} percent of rows have no {col.business.lower()}.",
                "businessImpact": "Missing values make matching across systems unreliable."}
    return {"type": "library", "rule": "duplicateCount", "mustBe": 0, "dimension": "uniqueness",
            "severity": "error", "description": f"{col.business} is unique.",
            "businessImpact": "Duplicates double-count records in every aggregate."}


def _example(col: Col, rng: random.Random) -> list:
    if col.examples == ("ts",) or (col.physical.startswith("TIMESTAMP") and not col.examples):
        return [_ts(rng)]
    return list(col.examples[: rng.randint(1, 2)]) if col.examples else []


def _property(col: Col, rng: random.Random, domain: str, quality_rate: float = 0.45) -> dict:
    prop: dict[str, Any] = {"name": col.name, "businessName": col.business, "description": col.description,
                            "logicalType": col.logical, "physicalType": col.physical}
    if col.options:
        prop["logicalTypeOptions"] = dict(col.options)
    if col.required:
        prop["required"] = True
    if col.cde:
        prop["criticalDataElement"] = True
    prop["classification"] = col.classification
    tags = list(col.tags)
    if col.pii or _PII_NAME.search(col.name):
        if prop["classification"] not in SENSITIVE:
            prop["classification"] = "confidential"
        tags.insert(0, "pii")
    if tags:
        prop["tags"] = tags
    if col.name == "status":
        prop["examples"] = _STATUS_VALUES.get(domain, _DEFAULT_STATUS)[:2]
    else:
        examples = _example(col, rng)
        if examples:
            prop["examples"] = examples
    if col.quality and rng.random() < quality_rate:
        prop["quality"] = [_quality(spec, col, rng, domain) for spec in col.quality]
    if col.children:
        prop["properties"] = [_property(child, rng, domain, 0) for child in col.children]
    if col.items is not None:
        prop["items"] = _property(col.items, rng, domain, 0)
    return _ordered(prop)


def _key_column(name: str, style: str, entity: str, rng: random.Random, position: int) -> dict:
    business = _title(name)
    if style == "uuid":
        prop = {"name": name, "businessName": business, "description": f"UUID of the {business[:-3].lower()}.",
                "logicalType": "string", "physicalType": "VARCHAR(36)", "logicalTypeOptions": {"format": "uuid"},
                "examples": ["3f2b9c1e-8d4a-4e7b-9a61-0c5d2e7f1a84"]}
    elif style == "prefixed":
        prefix = _STRIPE_PREFIX.get(entity, "obj_")
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789"
        sample = prefix + "".join(rng.choice(alphabet) for _ in range(14))
        prop = {"name": name, "businessName": business,
                "description": f"Stripe identifier of the object (the `id` field, prefix {prefix}).",
                "logicalType": "string", "physicalType": "VARCHAR(255)",
                "logicalTypeOptions": {"pattern": f"^{prefix}[A-Za-z0-9]+$", "maxLength": 255},
                "examples": [sample]}
    elif style == "sfid":
        prop = {"name": name, "businessName": business, "description": "18-character Salesforce record ID.",
                "logicalType": "string", "physicalType": "VARCHAR(18)",
                "logicalTypeOptions": {"minLength": 18, "maxLength": 18}, "examples": ["0015g00000XyZaBAAV"]}
    elif style == "line":
        prop = {"name": name, "businessName": business, "description": "Position within the parent, from 1.",
                "logicalType": "integer", "physicalType": "INTEGER", "logicalTypeOptions": {"minimum": 1},
                "examples": [1, 2]}
    elif style == "valid_from":
        prop = {"name": name, "businessName": business, "description": "Time (UTC) this version became current.",
                "logicalType": "date", "physicalType": "TIMESTAMP", "examples": [_ts(rng)]}
    elif style == "date":
        prop = {"name": name, "businessName": business, "description": "Snapshot date (UTC).",
                "logicalType": "date", "physicalType": "DATE", "examples": ["2024-11-11"]}
    else:
        prop = {"name": name, "businessName": business,
                "description": f"Surrogate key of the {name.removesuffix('_id').replace('_', ' ')}.",
                "logicalType": "integer", "physicalType": "BIGINT", "examples": [rng.randint(10_000, 9_999_999)]}
    prop.update({"required": True, "primaryKey": True, "primaryKeyPosition": position, "classification": "internal"})
    return _ordered(prop)


def _trailing(kind: str, rng: random.Random) -> list[dict]:
    def ts(name: str, business: str, description: str, physical: str = "TIMESTAMP") -> dict:
        return {"name": name, "businessName": business, "description": description, "logicalType": "date",
                "physicalType": physical, "required": True, "classification": "internal", "examples": [_ts(rng)]}

    if kind == "stream":
        return [ts("event_ts", "Event time", "Time (UTC) the producer created the event; the record timestamp."),
                {"name": "_kafka_partition", "businessName": "Kafka partition", "description": "Partition read.",
                 "logicalType": "integer", "physicalType": "INTEGER", "required": True, "classification": "internal",
                 "examples": [3]},
                {"name": "_kafka_offset", "businessName": "Kafka offset", "description": "Offset in the partition.",
                 "logicalType": "integer", "physicalType": "BIGINT", "required": True, "classification": "internal",
                 "examples": [1882301]}]
    cols = [ts("created_at", "Created at", "Time (UTC) the record was created in the source."),
            ts("updated_at", "Updated at", "Time (UTC) of the last change in the source; the incremental cursor.")]
    if kind == "files":
        cols.append({"name": "_file_name", "businessName": "Source file", "description": "Object key of the file.",
                     "logicalType": "string", "physicalType": "VARCHAR(1024)", "required": True,
                     "classification": "internal", "examples": ["incoming/2024/11/11/part-0001.csv"]})
    if kind != "database":
        cols.append(ts("_loaded_at", "Loaded at", "Time (UTC) the ingestion run wrote the row.", "TIMESTAMP_NTZ"))
    return [_ordered(col) for col in cols]


_SECONDARY = (("history", "valid_from"), ("lines", "line"), ("daily_snapshots", "date"), ("attributes", None))


def _schema_object(name: str, entity: str, src: Source, rng: random.Random, n_props: int, role: str | None,
                   physical_name: str) -> dict:
    singular = _singular(entity)
    parent_key = f"{singular}_id"
    keys = [_key_column(parent_key, src.key, entity, rng, 1)]  # secondary objects repeat the parent key
    if role == "valid_from":
        keys.append(_key_column("valid_from", "valid_from", entity, rng, 2))
    elif role == "line":
        keys.append(_key_column("line_number", "line", entity, rng, 2))
    elif role == "date":
        keys.insert(0, _key_column("snapshot_date", "date", entity, rng, 1))
        keys[1]["primaryKeyPosition"] = 2
    elif role == "attr":
        keys.append(_key_column("attribute_id", "bigint", entity, rng, 2))
    trailing = _trailing(src.kind, rng)
    used = {prop["name"] for prop in keys + trailing}
    wanted = max(0, n_props - len(keys) - len(trailing))
    preferred = [c for c in _DOMAIN_COLUMNS[src.domain] if c not in used]
    rng.shuffle(preferred)
    others = [c.name for c in _COLUMNS if c.name not in used and c.name not in preferred and c.name not in _SPECIFIC]
    rng.shuffle(others)
    picked = (preferred[: max(1, (wanted * 2) // 3)] + others)[:wanted]
    body = [_property(_BY_NAME[column], rng, src.domain) for column in picked]
    if role == "valid_from":
        body.insert(0, _ordered({"name": "valid_to", "businessName": "Valid to",
                                 "description": "Time (UTC) this version was superseded; empty while current.",
                                 "logicalType": "date", "physicalType": "TIMESTAMP", "classification": "internal"}))
    properties = keys + body + trailing
    partition = next((p for p in properties if p["name"] in ("event_date", "snapshot_date")), None)
    if partition is not None and src.kind in ("stream", "files", "api"):
        partition["partitioned"] = True
        partition["partitionKeyPosition"] = 1
        properties[properties.index(partition)] = _ordered(partition)
    if keys[0]["primaryKeyPosition"] == 1 and len(keys) == 1 and rng.random() < 0.5:
        keys[0]["quality"] = [{"type": "library", "rule": "duplicateCount", "mustBe": 0, "dimension": "uniqueness",
                               "severity": "error", "description": "Each key appears once.",
                               "businessImpact": "Duplicates double-count records in every aggregate."}]
    if src.kind == "api" and not role:
        first = keys[0]
        first["transformSourceObjects"] = [f"{src.label.lower().replace(' ', '_')}_api.v1.{entity}"]
        keys[0] = _ordered(first)
        properties[0] = keys[0]
    physical_type = {"stream": "topic", "files": "file"}.get(src.kind, "table")
    granularity = {"valid_from": f"One row per {singular.replace('_', ' ')} and version.",
                   "line": f"One row per line of a {singular.replace('_', ' ')}.",
                   "date": f"One row per {singular.replace('_', ' ')} and day.",
                   "attr": f"One row per {singular.replace('_', ' ')} attribute."}.get(
        role or "", f"One row per {singular.replace('_', ' ')}.")
    rows = rng.choice((100, 500, 1000, 5000, 10000, 50000))
    quality: list[dict] = [{"type": "library", "rule": "rowCount", "mustBeGreaterThan": rows,
                            "dimension": "completeness", "severity": rng.choice(("error", "warning")),
                            "description": f"Each load contains more than {rows:,} rows.",
                            "businessImpact": "A sudden drop signals a broken extraction or an upstream outage."}]
    if rng.random() < 0.5:
        cursor = "updated_at" if src.kind != "stream" else "event_ts"
        other = "created_at" if src.kind != "stream" else "_kafka_offset"
        query = (f"SELECT COUNT(*) FROM {physical_name} WHERE {cursor} < {other}" if src.kind != "stream" else
                 f"SELECT COUNT(*) FROM {physical_name} WHERE {cursor} > CURRENT_TIMESTAMP")
        quality.append({"type": "sql", "query": query, "mustBe": 0, "dimension": "consistency",
                        "severity": "warning", "description": "Timestamps are consistent.",
                        "businessImpact": "Inconsistent timestamps break incremental models."})
    obj = {"name": name, "physicalName": physical_name, "physicalType": physical_type,
           "businessName": f"{src.label} {name.replace('_', ' ')}" if src.kind == "api" else _title(name),
           "description": f"{_title(name)} as extracted from {src.label}.",
           "dataGranularityDescription": granularity, "properties": properties, "quality": quality}
    if rng.random() < 0.2:
        obj["authoritativeDefinitions"] = [{"type": "businessDefinition",
                                            "url": f"https://wiki.acme.com/data/glossary/{entity.replace('_', '-')}"}]
    return obj


def _servers(source: str, src: Source, obj: str, rng: random.Random) -> list[dict]:
    def server(env: str) -> dict:
        kind = src.landing
        base = {"server": env, "type": kind, "environment": env}
        if kind == "s3":
            base.update(description=f"{env.capitalize()} lakehouse bucket (eu-central-1), partitioned by load date.",
                        location=f"s3://acme-lakehouse-{env}/raw/{source}/{obj}/",
                        format=rng.choice(("parquet", "delta", "json", "csv")))
        elif kind == "snowflake":
            base.update(description=f"{env.capitalize()} Snowflake account, RAW database.", account="acme-analytics",
                        database="RAW" if env == "production" else "RAW_STAGING", schema=source.upper(),
                        warehouse="INGEST_WH")
        elif kind == "bigquery":
            base.update(description=f"{env.capitalize()} BigQuery project.", project=f"acme-data-{env}",
                        dataset=f"raw_{source}")
        elif kind == "redshift":
            base.update(description=f"{env.capitalize()} Redshift cluster.", host=f"dwh.{env}.acme.internal",
                        database="analytics", schema=f"raw_{source}", region="eu-central-1")
        elif kind == "postgres":
            base.update(description=f"Read replica of the {env} database (PostgreSQL 15).",
                        host=f"shop-db-replica.{env}.acme.internal", port=5432, database="shop", schema="public")
        elif kind == "mysql":
            base.update(description=f"{env.capitalize()} loyalty database (MySQL 8).",
                        host=f"loyalty-db.{env}.acme.internal", port=3306, database="loyalty")
        elif kind == "databricks":
            base.update(description=f"{env.capitalize()} Unity Catalog.", host="dbc-a1b2c3d4-5e6f.cloud.databricks.com",
                        catalog="main" if env == "production" else "staging", schema="gold")
        elif kind == "kafka":
            base.update(description=f"{env.capitalize()} MSK cluster (eu-central-1).",
                        host=f"b-1.msk.{env}.acme.internal:9094,b-2.msk.{env}.acme.internal:9094",
                        format=rng.choice(("json", "avro")))
        return base

    servers = [server("production")]
    if rng.random() < 0.5:
        servers.append(server("staging"))
    return servers


def contract_rng(seed: int, index: int) -> random.Random:
    """The random stream of contract `index`: independent of how many contracts are generated."""
    return random.Random(seed * 1_000_003 + index)


def contract(i: int, rng: random.Random, upstream: Sequence[dict] = ()) -> dict:
    """Contract number `i` as a dict. `upstream` holds earlier contracts that transform sources may refer to."""
    source = list(SOURCES)[i % len(SOURCES)] if i < len(SOURCES) else rng.choice(list(SOURCES))
    src = SOURCES[source]
    entity = rng.choice(src.entities)
    obj_file = f"{entity}_{i:04d}"
    contract_id = f"{source}-{entity.replace('_', '-')}-{i:04d}"
    n_objects = rng.choices((1, 2, 3), weights=(50, 35, 15))[0]
    upper = max(8, min(30, 32 // n_objects))
    roles = [None] + rng.sample(_SECONDARY, n_objects - 1)
    schema = []
    for role in roles:
        name = entity if role is None else f"{entity}_{role[0]}"
        if src.kind == "stream":
            physical = f"{src.domain}.{name.replace('_', '-')}.v1"
        elif src.kind == "database":
            physical = name
        else:
            physical = f"raw_{source}_{name}_{i:04d}"
        schema.append(_schema_object(name, entity, src, rng, rng.randint(8, upper),
                                     None if role is None else (role[1] or "attr"), physical))
    if upstream and rng.random() < 0.4:
        _add_lineage(schema[0], upstream, rng)

    people = rng.sample(_PEOPLE, 3)
    owner, others = people[0], people[1:1 + rng.randint(1, 2)]
    sensitive = any(p.get("classification") in SENSITIVE for p in _walk(schema))
    main = schema[0]
    cursor = next(p["name"] for p in main["properties"] if p["name"] in ("updated_at", "event_ts"))
    frequency = {"api": (1, rng.choice(("h", "d"))), "database": (15, "m"), "stream": (1, "m"),
                 "files": (1, "d")}[src.kind]
    retention = (7, "d") if src.kind == "stream" else (rng.choice((2, 3, 5, 7, 10)), "y")
    entity_words = entity.replace("_", " ")
    regulations = ["GDPR"] + (["CCPA"] if rng.random() < 0.3 else [])
    consumer_kind, consumer_url = rng.choice(_CONSUMER_KINDS)
    consumer = f"{entity}_{rng.choice(('overview', 'monitor', 'forecast', 'reconciliation', 'backlog'))}"
    doc: dict[str, Any] = {
        "apiVersion": "v3.0.2",
        "kind": "DataContract",
        "id": contract_id,
        "name": f"{source}_{obj_file}",
        "version": "1.0.0",
        "status": "active",
        "domain": src.domain,
        "dataProduct": f"{source}_{entity}",
        "tenant": "acme",
        "description": {
            "purpose": (f"{entity_words.capitalize()} from {src.label}, loaded by the {contract_id} ingestion job "
                        f"so that {src.domain} and analytics teams can use them without querying {src.label} "
                        "directly."),
            "usage": (f"Read the latest row per {_singular(entity)}_id for current state. Join on the documented keys "
                      "only; do not rely on column order."),
            "limitations": rng.choice((
                "Incremental extract: deletes in the source are not propagated before the weekly full refresh.",
                "History before 2021-03-01 is not available. Amounts are in the original currency.",
                "Late-arriving records can appear up to 48 hours after the event time.",
            )),
        },
        "tags": list(dict.fromkeys([source, src.domain, *entity.split("_")[:2],
                                    "raw" if src.kind != "database" else "oltp"])),
        "contractCreatedTs": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(6, 18):02d}:"
                             f"{rng.randint(0, 59):02d}:00Z",
        "servers": _servers(source, src, entity, rng),
        "schema": schema,
        "team": [{"username": owner[1], "name": owner[0], "role": "owner"}]
                + [{"username": p[1], "name": p[0], "role": role}
                   for p, role in zip(others, ("data engineer", "data steward"))],
        "roles": [{"role": f"{source}_{entity}_read", "access": "read", "firstLevelApprovers": owner[0],
                   "secondLevelApprovers": "Data Protection Office"},
                  {"role": f"{source}_ingestion_write", "access": "write", "firstLevelApprovers": owner[0]}],
        "support": [{"channel": f"#data-{src.domain}", "tool": "slack", "scope": "interactive",
                     "url": f"https://acme.slack.com/archives/C0{rng.randint(1000000, 9999999)}"},
                    {"channel": f"{src.domain}-data", "tool": "email", "scope": "issues",
                     "url": f"mailto:{src.domain}-data@acme.com"}],
        "slaDefaultElement": f"{main['name']}.{cursor}",
        "slaProperties": [
            {"property": "frequency", "value": frequency[0], "unit": frequency[1]},
            {"property": "latency", "value": rng.choice((1, 2, 4, 6)), "unit": "h",
             "element": f"{main['name']}.{cursor}"},
            {"property": "retention", "value": retention[0], "unit": retention[1], "driver": "regulatory"},
        ],
        "customProperties": [
            {"property": "costCenter", "value": _COST_CENTERS[src.domain]},
            {"property": "project", "value": _PROJECTS[src.kind]},
            {"property": "environment", "value": "production"},
            {"property": "businessTags", "value": list(dict.fromkeys([src.domain, entity.split("_")[0], rng.choice(
                ("reporting", "reconciliation", "segmentation", "forecasting", "operations"))]))},
            *([{"property": "regulations", "value": regulations}] if sensitive else []),
            {"property": "sourceType", "value": source},
            {"property": "sourceObject", "value": ", ".join(obj["physicalName"] for obj in schema)},
            {"property": "expectedRowsPerDay", "value": rng.choice((500, 2000, 9000, 12000, 50000, 160000))},
            {"property": "storageClass", "value": rng.choice(("standard", "standard", "infrequent"))},
            {"property": "consumers", "value": [{
                "name": consumer, "label": _title(consumer), "type": consumer_kind,
                "owner": f"{src.domain}-analytics@acme.com", "url": consumer_url + consumer.replace("_", "-"),
                "maturity": rng.choice(("high", "medium")), "dependsOn": [obj["name"] for obj in schema]}]},
        ],
    }
    if not sensitive:  # retention applies to every contract, but is only mandatory with sensitive data
        doc["slaProperties"][2]["driver"] = "analytics"
    return doc


def _walk(props_or_schema: list[dict]):
    for node in props_or_schema:
        children = node.get("properties", [])
        if "logicalType" in node or "classification" in node:
            yield node
        yield from _walk(children)
        if isinstance(node.get("items"), dict):
            yield from _walk([node["items"]])


def _add_lineage(obj: dict, upstream: Sequence[dict], rng: random.Random) -> None:
    """Give 1-2 properties of `obj` a transform source in an earlier contract (`<id>:<object>.<property>`)."""
    names = {prop["name"].casefold() for prop in obj["properties"]}
    keys = sum(1 for prop in obj["properties"] if prop.get("primaryKey"))
    for _ in range(rng.randint(1, 2)):
        earlier = upstream[rng.randrange(len(upstream))]
        target_obj = earlier["schema"][0]
        candidates = [p for p in target_obj["properties"] if "properties" not in p and "items" not in p
                      and not p["name"].startswith("_")]
        primary = [p for p in candidates if p.get("primaryKey") and p["name"].endswith("_id")]
        chosen = primary[0] if primary and rng.random() < 0.7 else rng.choice(candidates)
        reference = f"{earlier['id']}:{target_obj['name']}.{chosen['name']}"
        if chosen["name"].casefold() in names:
            existing = next(p for p in obj["properties"] if p["name"].casefold() == chosen["name"].casefold())
            same_type = (existing.get("logicalType"), existing.get("physicalType")) == (
                chosen.get("logicalType"), chosen.get("physicalType"))
            if same_type and reference not in existing.get("transformSourceObjects", []):
                existing.setdefault("transformSourceObjects", []).append(reference)
                obj["properties"][obj["properties"].index(existing)] = _ordered(existing)
            continue
        copied = {key: copy.deepcopy(value) for key, value in chosen.items()
                  if key not in ("primaryKey", "primaryKeyPosition", "quality", "transformSourceObjects",
                                 "partitioned", "partitionKeyPosition", "required", "unique")}
        copied["description"] = f"{chosen['businessName']} of the related record in {earlier['id']}."
        copied["transformSourceObjects"] = [reference]
        copied["transformDescription"] = "Copied unchanged from the upstream contract."
        obj["properties"].insert(keys, _ordered(copied))
        names.add(chosen["name"].casefold())


def relative_path(doc: dict) -> str:
    """`specs/<source>/v<major>.<minor>/<object>.yaml` for a generated contract."""
    source = next(entry["value"] for entry in doc["customProperties"] if entry["property"] == "sourceType")
    major, minor = "1", "0"
    match = re.match(r"^(\d+)\.(\d+)\.", str(doc.get("version", "")))
    if match:
        major, minor = match.group(1), match.group(2)
    return f"specs/{source}/v{major}.{minor}/{doc['name'][len(source) + 1:]}.yaml"


# --------------------------------------------------------------------------------------------------------------------
# Injected mistakes
# --------------------------------------------------------------------------------------------------------------------

def _leaf_props(doc: dict) -> list[dict]:
    return [p for p in _walk(doc["schema"]) if "properties" not in p and "items" not in p]


def _top_level_props(doc: dict) -> list[dict]:
    # Schema mistakes go on top-level properties: under a nested object, the schema also rejects the parent's
    # `properties` key (unevaluatedProperties cascades), which would give two findings for one mistake.
    return [p for obj in doc["schema"] for p in obj["properties"] if "properties" not in p and "items" not in p]


def _err_unknown_key(doc: dict, rng: random.Random) -> str:
    doc["owner"] = doc["team"][0]["username"]  # a common mistake: owners belong in team
    return "unknown root key `owner`"


def _err_unknown_property_key(doc: dict, rng: random.Random) -> str:
    prop = rng.choice(_top_level_props(doc))
    prop["nullable"] = True
    return f"unknown key `nullable` on property {prop['name']}"


def _err_wrong_type(doc: dict, rng: random.Random) -> str:
    prop = rng.choice(_top_level_props(doc))
    prop["required"] = "yes"
    return f"`required: \"yes\"` (a string, not a boolean) on property {prop['name']}"


def _err_bad_version(doc: dict, rng: random.Random) -> str:
    doc["version"] = "1.0"
    return 'version "1.0" is not MAJOR.MINOR.PATCH'


def _err_missing_classification(doc: dict, rng: random.Random) -> str:
    prop = rng.choice(_leaf_props(doc))
    del prop["classification"]
    return f"property {prop['name']} has no classification"


def _err_pii_internal(doc: dict, rng: random.Random) -> str:
    candidates = [p for p in _leaf_props(doc) if "pii" in p.get("tags", [])]
    if not candidates:
        obj = doc["schema"][0]
        candidates = [_ordered({"name": "contact_email", "businessName": "Contact email",
                                "description": "Email of the contact person.", "logicalType": "string",
                                "physicalType": "VARCHAR(320)", "classification": "internal"})]
        obj["properties"].insert(len(obj["properties"]) - 1, candidates[0])
    prop = rng.choice(candidates)
    prop["classification"] = "internal"
    return f"personal data {prop['name']} classified internal"


def _err_type_mismatch(doc: dict, rng: random.Random) -> str:
    prop = rng.choice([p for p in _leaf_props(doc) if str(p.get("physicalType", "")).startswith("VARCHAR")])
    prop["logicalType"] = "integer"
    prop.pop("logicalTypeOptions", None)
    prop.pop("examples", None)
    return f"logicalType integer on {prop['physicalType']} column {prop['name']}"


def _err_descending_range(doc: dict, rng: random.Random) -> str:
    rule = doc["schema"][0]["quality"][0]
    bound = rule.pop("mustBeGreaterThan")
    rule["mustBeBetween"] = [bound * 10, bound]
    return f"rowCount mustBeBetween {rule['mustBeBetween']} is descending"


def _err_no_owner(doc: dict, rng: random.Random) -> str:
    doc["team"][0]["role"] = "data engineer"
    return "no team member has role owner"


def _err_no_cost_center(doc: dict, rng: random.Random) -> str:
    doc["customProperties"] = [e for e in doc["customProperties"] if e["property"] != "costCenter"]
    return "costCenter custom property removed"


def _err_dangling_reference(doc: dict, rng: random.Random) -> str:
    prop = doc["schema"][0]["properties"][0]
    reference = f"{doc['id']}-legacy:{doc['schema'][0]['name']}.{prop['name']}"
    prop["transformSourceObjects"] = [*prop.get("transformSourceObjects", []), reference]
    return f"transform source {reference} names no contract"


def _err_status(doc: dict, rng: random.Random) -> str:
    doc["status"] = "live"
    return "status `live` is not a lifecycle state"


def _err_key_gap(doc: dict, rng: random.Random) -> str:
    keys = [p for p in doc["schema"][0]["properties"] if p.get("primaryKey")]
    keys[-1]["primaryKeyPosition"] += 1
    return f"primaryKeyPosition gap on {keys[-1]['name']}"


# kind -> (mutation, rule id expected to report it)
ERRORS: dict[str, tuple[Callable[[dict, random.Random], str], str]] = {
    "unknown-key": (_err_unknown_key, "odcs-schema"),
    "unknown-property-key": (_err_unknown_property_key, "odcs-schema"),
    "wrong-type": (_err_wrong_type, "odcs-schema"),
    "bad-version": (_err_bad_version, "version-semver"),
    "missing-classification": (_err_missing_classification, "profile-classification"),
    "pii-not-sensitive": (_err_pii_internal, "profile-pii"),
    "type-mismatch": (_err_type_mismatch, "type-compatible"),
    "descending-range": (_err_descending_range, "quality-threshold"),
    "no-owner": (_err_no_owner, "profile-owner"),
    "no-cost-center": (_err_no_cost_center, "profile-cost-center"),
    "dangling-reference": (_err_dangling_reference, "transform-source"),
    "status-typo": (_err_status, "status-lifecycle"),
    "key-gap": (_err_key_gap, "key-position"),
}


def inject_error(doc: dict, kind: str, rng: random.Random) -> str:
    """Apply mistake `kind` (a key of ERRORS) to `doc` in place; returns a one-line description."""
    return ERRORS[kind][0](doc, rng)


# --------------------------------------------------------------------------------------------------------------------
# Writing YAML
# --------------------------------------------------------------------------------------------------------------------

_BASE_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
# Strings that a YAML 1.2 core-schema reader (the standard's tooling, and dativo-check) would not read as strings.
_NOT_A_STRING = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)"
                           r"(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|true|True|TRUE|false|"
                           r"False|FALSE|~|null|Null|NULL|)$")
_BLOCK_KEYS = frozenset({"logicalType", "rule", "query", "server", "properties", "purpose"})


class _Dumper(_BASE_DUMPER):  # type: ignore[misc,valid-type]
    pass


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _represent_str(dumper: Any, value: str) -> Any:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"' if _NOT_A_STRING.match(value) else None)


def _represent_dict(dumper: Any, value: dict) -> Any:
    flow = (not _BLOCK_KEYS.intersection(value)
            and all(_scalar(v) or (isinstance(v, list) and all(map(_scalar, v))) for v in value.values())
            and sum(len(str(k)) + len(str(v)) + 4 for k, v in value.items()) <= 110)
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=flow)


def _represent_list(dumper: Any, value: list) -> Any:
    flow = all(map(_scalar, value)) and sum(len(str(v)) + 2 for v in value) <= 110
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(list, _represent_list)


def dump(doc: dict, header: str | None = None) -> str:
    """A contract as YAML text, in the style of hand-written contracts (small mappings and lists inline)."""
    text = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120, default_flow_style=False)
    return (f"# {header}\n" if header else "") + text


def generate(n: int, out_dir: str | Path, seed: int = 0, invalid_ratio: float = 0.0) -> list[Path]:
    """Write `n` contracts under `out_dir/specs/...`; a fraction `invalid_ratio` of them gets one injected mistake."""
    if n < 0 or not 0.0 <= invalid_ratio <= 1.0:
        raise ValueError("n must be >= 0 and invalid_ratio within 0..1")
    out = Path(out_dir)
    picker = random.Random(f"invalid:{seed}")
    invalid = set(picker.sample(range(n), round(n * invalid_ratio)))
    kinds = list(ERRORS)
    docs: list[dict] = []
    paths: list[Path] = []
    for i in range(n):
        doc = contract(i, contract_rng(seed, i), docs)
        docs.append(doc)
        header = None
        if i in invalid:
            doc = copy.deepcopy(doc)  # later contracts refer to the valid shape
            kind = kinds[picker.randrange(len(kinds))]
            what = inject_error(doc, kind, picker)
            header = f"benchmark: injected error {kind} ({what}); expected finding: {ERRORS[kind][1]}"
        path = out / relative_path(docs[-1])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump(doc, header), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of contracts")
    parser.add_argument("out_dir", type=Path, help="output folder (contracts go to OUT_DIR/specs/...)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--invalid-ratio", type=float, default=0.0, metavar="R",
                        help="fraction of contracts with one injected mistake (default 0)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    paths = generate(args.n, args.out_dir, args.seed, args.invalid_ratio)
    lines = sum(path.read_text(encoding="utf-8").count("\n") for path in paths)
    print(f"wrote {len(paths)} contracts ({round(args.n * args.invalid_ratio)} with an injected error, "
          f"{lines / max(1, len(paths)):.0f} lines each on average) to {args.out_dir} "
          f"in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
