"""Synchronisation of dossiers with the national public service portal (Cổng DVCQG).

- `dataset`: the records sent (field names and their sources, status mapping); pure;
- `client`: the `PortalClient` interface, its HTTP implementation and the in-process one;
- `sandbox`: our local endpoint implementing the same contract (tests, demo);
- `outbox`: the outbox written with each dossier change, delivery in order per dossier,
  backoff, dead letters, operator retries, backfill of bulk-simulated dossiers;
- `selectors`: the operators' screen and the DOSSIER_SYNC index figure.
"""
