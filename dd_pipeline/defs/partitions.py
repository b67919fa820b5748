"""One deal = one dynamic partition, keyed by the deal folder's name."""

import dagster as dg

DEALS_NAME = "deals"
DEALS = dg.DynamicPartitionsDefinition(name=DEALS_NAME)
WAREHOUSE_POOL = "warehouse"

# The fingerprint of the playbook a run was started with; every step checks that assets/ still holds it.
PLAYBOOK_TAG = "dd/playbook"
