"""What a scanned code is: a card, a receipt, a mobile, an email or an external ID.

A scan is routed by what it carries, not by where the focus happens to be, so each kind has a
pattern (settings `scan_*_pattern`, regular expressions matched against the whole code). The
kinds are tried in a fixed order, most specific first; a code no pattern matches is `unknown`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import get_args

from tillui.counter.identifier_types import IdentifierName, ScanKind

ORDER: tuple[ScanKind, ...] = get_args(ScanKind)[:-1]

DEFAULT_PATTERNS: dict[ScanKind, str] = {
    "email": r"[^@\s,]+@[^@\s,]+\.[^@\s,]+",
    # E.164: up to 15 digits with the country code; 10 at least, so bill numbers stay receipts.
    "mobile": r"\+?\d{10,15}",
    "cardnumber": r"(?i:card)[A-Za-z0-9]+|\d{16,19}",
    # A bill number (optionally with a short series prefix, "D1-100001") or a transaction ID.
    "receipt": r"(?:[A-Za-z]{1,3}\d?-)?\d{4,9}",
    "externalId": r"[A-Za-z][A-Za-z0-9._\-]{3,}",
}


def identifier_kind(kind: ScanKind) -> IdentifierName | None:
    """The lookup field a scan of this kind belongs in (None for receipts and unknown codes)."""
    return None if kind in ("receipt", "unknown") else kind  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class ScanClassifier:
    patterns: tuple[tuple[ScanKind, re.Pattern[str]], ...]

    @classmethod
    def from_patterns(cls, overrides: Mapping[ScanKind, str] | None = None) -> ScanClassifier:
        """Compile the patterns; an empty or missing override keeps the default."""
        chosen = {**DEFAULT_PATTERNS, **{k: v for k, v in (overrides or {}).items() if v}}
        return cls(tuple((kind, re.compile(chosen[kind])) for kind in ORDER))

    def classify(self, code: str) -> ScanKind:
        code = code.strip()
        for kind, pattern in self.patterns:
            if pattern.fullmatch(code):
                return kind
        return "unknown"
