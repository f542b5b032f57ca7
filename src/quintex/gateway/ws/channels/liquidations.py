"""`liquidation-orders` (/public, `instType` SWAP, FUTURES, OPTION or MARGIN): each fill of a liquidation or ADL
order, pushed once its batch is published, as `public/liquidation-orders` lists it (without `totalLoss`). No
snapshot follows the ack (OKX sends none). The fills of one batch go out together, one object per instrument,
after the batch's bankruptcy losses were charged to them (`marketdata.liquidations`)."""
from __future__ import annotations

import orjson

from quintex.core.enums import InstType
from quintex.core.events import InsuranceFundChanged
from quintex.core.records import Fill, OrderView
from quintex.marketdata import Liquidation
from quintex.marketdata.liquidations import LossAttribution, liquidation
from quintex.okx import lifecycle as render

from .base import Context, PerInstTypeChannel


class LiquidationOrdersChannel(PerInstTypeChannel):
    name = "liquidation-orders"
    inst_types = frozenset({InstType.SWAP, InstType.FUTURES, InstType.OPTION, InstType.MARGIN})

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._pending: list[Liquidation] = []
        self._losses = LossAttribution()

    def on_fill(self, order: OrderView, fill: Fill) -> None:
        record = liquidation(order, fill)
        if record is None:
            return
        inst = self.ctx.catalog.instruments.get(record.inst_id)
        if inst is not None and render.liquidation_inst_type(inst) in self.topics:
            self._pending.append(record)
            self._losses.saw(record)

    def on_insurance(self, event: InsuranceFundChanged) -> None:
        self._losses.charge(event)

    def flush(self) -> None:
        """Push the batch's fills, one object per instrument, to the topic of its type."""
        if not self._pending:
            return
        by_inst: dict[str, list[Liquidation]] = {}
        for record in self._pending:
            by_inst.setdefault(record.inst_id, []).append(record)
        self._pending = []
        for inst_id, records in by_inst.items():
            inst = self.ctx.catalog.instruments[inst_id]
            topic = self.topics.get(render.liquidation_inst_type(inst))
            if topic is not None:
                topic.publish(orjson.dumps([render.liquidation_orders(inst, records, total=False)]))
