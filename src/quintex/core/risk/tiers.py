"""Position tiers of swaps and futures: how the maintenance margin rate rises and the maximum leverage falls
as a position grows. A pure function of the instrument (the same for cross and isolated margin, as OKX's
derivative tiers are); the derivative product's margin reads `tier_for` for its maintenance margin rate.

Every tier is OKX-like, built from the instrument's maximum leverage (`lever`, tier 1's) and the size of
the family's first tier:

- the leverage steps down a ladder of round values below the maximum (100, 50, 40, 25, 20, 10, 8, 5, 4, 2,
  1), so each `imr` = 1 / `maxLever` is a short exact decimal;
- `mmr` = 40 % of `imr` in every tier: OKX's BTC-USDT and ETH-USDT swaps pay 0.4 % at tier 1 with 100x
  (imr 1 %), its BTC futures 2 % with 20x (imr 5 %);
- tier 1 holds up to `TIER1_COINS` of the coin (linear contracts: 1,000 BTC-USDT-SWAP contracts, 10 BTC, as
  OKX) or `TIER1_USD` of face value (inverse contracts), and tier n up to `CAP_MULTIPLES[n-1]` times that;
- sizes are contracts and, as in OKX's answers, tier n+1 starts at tier n's `maxSz` + 1 (a size between
  the two belongs to tier n+1). A size above the last tier's `maxSz` is in the last tier.
"""
from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_UP, Decimal
from typing import Final

from ..enums import CtType, MgnMode
from ..instruments import Instrument
from ..num import MONEY, ONE
from ..records import PositionTier

LEVER_LADDER: Final = (125, 100, 50, 40, 25, 20, 10, 8, 5, 4, 2, 1)
CAP_MULTIPLES: Final = (1, 2, 4, 8, 15, 25, 40, 60, 100, 150, 250, 400, 600)
MMR_OF_IMR: Final = Decimal("0.4")
TIER1_COINS: Final[dict[str, Decimal]] = {"BTC": Decimal(10), "ETH": Decimal(500), "SOL": Decimal(5_000)}
"""Tier 1 of a linear family: this many coins (a family of another coin: `DEFAULT_TIER1_CONTRACTS`)."""
TIER1_USD: Final[dict[str, Decimal]] = {"BTC": Decimal(1_000_000), "ETH": Decimal(500_000), "SOL": Decimal(250_000)}
"""Tier 1 of an inverse family: this much face value in USD."""
DEFAULT_TIER1_CONTRACTS: Final = Decimal(1_000)
RATE_PLACES: Final = Decimal("0.00000001")
"""A rate that is not a short exact decimal (1/75) is rounded up to this."""


_KNOWN: Final[dict[tuple[str, CtType | None, Decimal | None, str], tuple[PositionTier, ...]]] = {}
"""Tiers by the terms they derive from (every margin read asks for them; hashing a whole `Instrument` for a
cache costs as much as a read)."""


def tiers(inst: Instrument, mgn_mode: MgnMode) -> tuple[PositionTier, ...]:
    """The instrument's tiers, smallest first (the same for both margin modes)."""
    key = (inst.lever, inst.ct_type, inst.ct_val, inst.uly)
    found = _KNOWN.get(key)
    if found is None:
        found = _KNOWN[key] = _tiers(inst)
    return found


def _tiers(inst: Instrument) -> tuple[PositionTier, ...]:
    """The instrument's tiers, smallest first; none for an instrument without a maximum leverage."""
    if inst.ct_type is None or not inst.lever.isdigit() or int(inst.lever) < 1:
        return ()
    top = int(inst.lever)
    levers = (top, *(lever for lever in LEVER_LADDER if lever < top))
    cap = _tier1_contracts(inst)
    out: list[PositionTier] = []
    min_sz = Decimal(0)
    for n, (lever, multiple) in enumerate(zip(levers, CAP_MULTIPLES, strict=False), 1):
        imr = _rate(MONEY.divide(ONE, Decimal(lever)))
        max_sz = cap * multiple
        out.append(PositionTier(tier=n, min_sz=min_sz, max_sz=max_sz, mmr=_rate(imr * MMR_OF_IMR), imr=imr,
                                max_lever=Decimal(lever)))
        min_sz = max_sz + 1
    return tuple(out)


def tier_for(inst: Instrument, mgn_mode: MgnMode, size: Decimal) -> PositionTier:
    """The tier of a position of `size` contracts (its absolute value); ValueError for an instrument
    without tiers."""
    found = tiers(inst, mgn_mode)
    if not found:
        raise ValueError(f"{inst.inst_id} has no position tiers")
    size = abs(size)
    for tier in found:  # a loop, not next() over a generator: the liquidation check asks per position and index
        if size <= tier.max_sz:
            return tier
    return found[-1]


def _tier1_contracts(inst: Instrument) -> Decimal:
    coin = inst.uly.split("-")[0]
    table = TIER1_COINS if inst.ct_type is CtType.LINEAR else TIER1_USD
    amount = table.get(coin)
    if amount is None or inst.ct_val is None:
        return DEFAULT_TIER1_CONTRACTS
    return Decimal(int(MONEY.divide(amount, inst.ct_val).to_integral_value(rounding=ROUND_DOWN)))


def _rate(exact: Decimal) -> Decimal:
    return exact.quantize(RATE_PLACES, rounding=ROUND_UP).normalize()
