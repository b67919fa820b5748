"""One deal = one dynamic partition, keyed by the deal folder's name."""

import dagster as dg

DEALS = dg.DynamicPartitionsDefinition(name="deals")
WAREHOUSE_POOL = "warehouse"
