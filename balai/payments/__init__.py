"""Bills, payments, payment channels and providers, receipts, refunds and the revenue report (reconciliation in
``balai.payments.reconciliation``)."""
