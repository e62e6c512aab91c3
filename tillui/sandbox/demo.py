"""The deterministic demo facts the app, README, tests and screenshots rely on.

Credentials here are demo values for the sandbox only (printing them is fine); the worked
example pair `store.server` / `server123` is the one from the Intouch reference.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DemoCustomer:
    """A named demo customer and every identifier they can be found by."""

    customer_id: int
    first_name: str
    last_name: str
    mobile: str
    email: str
    external_id: str
    card_number: str
    loyalty_type: str = "loyalty"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True, slots=True)
class DemoFacts:
    # v2 Basic auth (username + lower-case hex MD5 of the password).
    username: str = "demo.till"
    password: str = "demo123"
    example_username: str = "store.server"
    example_password: str = "server123"
    example_basic_value: str = "c3RvcmUuc2VydmVyOjhhMTZhNmI3MDUwNWViMWYxZmY3Y2RjMGNkNTU1OWE3"
    # OAuth key/secret for POST /v3/oauth/token/generate.
    oauth_key: str = "demo-key"
    oauth_secret: str = "demo-secret"
    # Request-workflow gateway headers and the maker user behind the token.
    org_id: str = "100"
    workflow_token: str = "demo-workflow-token"
    workflow_user_id: int = 75155300
    workflow_user_name: str = "demo.maker@example.com"
    # A store manager with CanCheckRequest: approves or rejects claims waiting in AdminTask.
    checker_token: str = "demo-checker-token"
    checker_user_id: int = 75155301
    checker_user_name: str = "demo.manager@example.com"

    # Org entities (IDs from document 002's example request).
    till_id: int = 50682289
    till_code: str = "demo.till"
    till_name: str = "Demo Till"
    store_id: int = 50682288
    store_code: str = "demo.store"
    store_name: str = "Demo Store"
    zone_id: int = 50682286
    concept_id: int = 50678331
    harbour_store_id: int = 50682300
    harbour_store_code: str = "harbour.store"
    harbour_store_name: str = "Harbour Store"
    harbour_till_id: int = 50682301
    harbour_till_code: str = "harbour.till"
    harbour_till_name: str = "Harbour Till"

    # Loyalty programs; 1001 is the org's default program.
    default_program_id: int = 1001
    default_program_title: str = "Rewards"
    coffee_program_id: int = 1002
    coffee_program_title: str = "Coffee Club"
    family_program_id: int = 1003
    family_program_title: str = "Family Plus"

    currency: str = "INR"
    shared_bill_number: str = "000042"
    """Billed once at the demo till (in the journal) and once at the Harbour Store."""
    bulk_request_count: int = 5000

    asha: DemoCustomer = DemoCustomer(
        565039501, "Asha", "Rao", "919800000001", "asha.rao@example.com", "EXT0001", "CARD0001"
    )
    """Loyalty, registered 200 days ago, programs 1001 (Gold) and 1002 (Silver); main 8500,
    delayed 250.5, external-trigger 100 in 1001; ~12 retro requests in every status."""
    ravi: DemoCustomer = DemoCustomer(
        565039502,
        "Ravi",
        "Kumar",
        "919800000002",
        "family.kumar@example.com",
        "EXT0002",
        "CARD0002",
    )
    """Shares his email with Meera (dual eligibility)."""
    meera: DemoCustomer = DemoCustomer(
        565039503,
        "Meera",
        "Kumar",
        "919800000003",
        "family.kumar@example.com",
        "EXT0003",
        "CARD0003",
    )
    nikhil: DemoCustomer = DemoCustomer(
        565039504,
        "Nikhil",
        "Shah",
        "919800000004",
        "nikhil.shah@example.com",
        "EXT0004",
        "CARD0004",
    )
    """Registered 1 hour ago: the registration-delay rule refuses most recent bills."""
    lena: DemoCustomer = DemoCustomer(
        565039505,
        "Lena",
        "Ortiz",
        "919800000005",
        "lena.ortiz@example.com",
        "EXT0005",
        "CARD0005",
        "non_loyalty",
    )
    bulk: DemoCustomer = DemoCustomer(
        565039506,
        "Bulk",
        "Buyer",
        "919800000006",
        "bulk.buyer@example.com",
        "EXT0006",
        "CARD0006",
    )
    """Has exactly `bulk_request_count` retro requests."""
    omar: DemoCustomer = DemoCustomer(
        565039507,
        "Omar",
        "Haddad",
        "919800000007",
        "omar.haddad@example.com",
        "EXT0007",
        "CARD0007",
    )
    """Registered 10 days ago, no requests: a clean claimant."""
    aarav: DemoCustomer = DemoCustomer(
        565039508,
        "Aarav",
        "Docsample",
        "915795008395",
        "aarav.docsample@example.com",
        "MPQSP10",
        "CARD0008",
    )
    """The mobile and external ID of documents 000 and 002's examples: a number `phonenumbers`
    calls possible but not valid, which the server stores and serves all the same."""
    tara: DemoCustomer = DemoCustomer(
        565039509,
        "Tara",
        "Docsample",
        "915795008349",
        "tara.docsample@example.com",
        "EXT0009",
        "CARD0009",
    )
    """The mobile of document 003's example."""

    @property
    def customers(self) -> tuple[DemoCustomer, ...]:
        return (
            self.asha,
            self.ravi,
            self.meera,
            self.nikhil,
            self.lena,
            self.bulk,
            self.omar,
            self.aarav,
            self.tara,
        )


DEMO = DemoFacts()
