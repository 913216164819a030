"""Classify an AI system under the EU AI Act: screening in, classification out.

The contract is the screening format documented in `governance/classification/schemas/`
(input schema `eu-ai-act-screening/1`, output schema `eu-ai-act-classification/1`). The law
applied is Regulation (EU) 2024/1689 as amended by Regulation (EU) 2026/1744 ("Digital Omnibus
on AI"). Pure Python: no Django, no database, no I/O except the cached timeline file.

The package follows the contract's precedence: `validation` checks and normalises a screening;
`engine.evaluate` runs one function per rule (`scope`, `high_risk`, `duties`, `transparency`,
`gpai`) over a `case.Case`, each adding its part of the result and of the rationale.

Decisions where the contract is silent (each cites its article where it is applied):

- Lists in the output (`obligations`, `high_risk_basis`, `prohibited_practices`,
  `transparency`) are in plain string order, as the contract says "sorted"; use
  `codes.article_sort_key` to show them in article order.
- A product manufacturer acts as the provider only of a system high-risk under Annex I
  (Art. 25(3)), Section A or B; under Section B, Art. 2(2) then removes the high-risk duties but
  AI literacy, Art. 50(1)-(2) and GPAI duties stay. Otherwise it owes nothing in that role,
  unless `art_25_trigger` makes it the provider of a high-risk system (Art. 25(1)). GPAI duties
  come from the `gpai` fact (the organisation provides the model), whatever the role.
- `art_25_trigger` only matters for a high-risk system (Art. 25(1)); the person keeps the duties
  of its own role as well (a deployer that modifies a system and keeps using it is still its
  deployer).
- Under Annex I Section B, Art. 2(2) removes every high-risk role duty (Art. 8-49 and the
  provider's Art. 72-73 duties), even where an Annex III point also applies; AI literacy, Art. 50
  and GPAI duties are kept, as the contract lists them for every in-scope system.
- The Art. 6(3) derogation only concerns the Annex III leg (it derogates from Art. 6(2)): a
  system high-risk under Annex I whose Annex III use meets Art. 6(3) is high-risk with basis
  `annex_i`; as the contract defines `derogation_applied` as "an Annex III system is not
  high-risk because of Art. 6(3)", it is false there, and no `art_6_4` / `art_49_2` is owed (a
  provider of a high-risk system cannot consider it not high-risk, Art. 6(4), Art. 49(2)); as
  its basis has no Annex III point, no `art_49` either.
- Registration: `art_49` where the basis includes an Annex III point (Art. 49(1); point 2 at
  national level, Art. 49(5)); `art_49_3` for a deployer with `public_authority` where it
  includes a point other than 2 (Art. 26(8), Art. 49(3)). `public_authority` implies
  `public_service_deployer` (a public authority is a body governed by public law, Art. 27(1)).
- `conformity_route` describes the system, whatever the role; Annex III point 1 gives
  `internal_control_or_notified_body` (Art. 43(1)); `notified_body` is never chosen because the
  screening does not record whether harmonised standards were applied in full.
- Art. 50 facts map one to one: interacts -> 50(1), synthetic content -> 50(2), emotion
  recognition or biometric categorisation -> 50(3), deep fake or public-interest text -> 50(4).
- GPAI: above 10^25 FLOP means strictly greater (Art. 51(2)); a JSON float is read as the
  decimal it spells, so 1e25 is not above. `art_54` applies to a GPAI provider outside the EU
  unless the model is open-source without systemic risk (Art. 54(6)); an out-of-scope system
  reports `gpai: "none"`, a prohibited one reports its GPAI class but owes only `art_5`.
"""

from __future__ import annotations

from .engine import classify, evaluate
from .tables import SCHEMA_IN, SCHEMA_OUT
from .validation import ScreeningInvalid, validate_screening

__all__ = [
    "SCHEMA_IN",
    "SCHEMA_OUT",
    "ScreeningInvalid",
    "classify",
    "evaluate",
    "validate_screening",
]
