"""Job functions for the RQ tests (importable, as RQ needs)."""


def explode(account_id: str) -> None:
    raise RuntimeError(f"Salesforce said no for {account_id}")


def succeed() -> str:
    return "ok"
